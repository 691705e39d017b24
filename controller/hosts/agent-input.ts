// What an agent sends is input like any other: bounded and checked for
// plausibility before anything is stored or shown. Pure functions.
import type { Inventory__Output as Inventory } from '../../common/gen/nephele/v1/Inventory.js';
import type { Capacity__Output as Capacity } from '../../common/gen/nephele/v1/Capacity.js';
import type { HostLoad__Output as HostLoad } from '../../common/gen/nephele/v1/HostLoad.js';
import type { Hello__Output as Hello } from '../../common/gen/nephele/v1/Hello.js';
import type { VmStatusReport__Output as VmStatusReport } from '../../common/gen/nephele/v1/VmStatusReport.js';
import type { AgentEvent__Output as AgentEvent } from '../../common/gen/nephele/v1/AgentEvent.js';
import { boundInventory } from '../../common/inventory-limits.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { ULID_RE } from '../../common/ids.js';
import { LABEL_KEY_RE } from '../../common/validate.js';
import { cleanSchemeInfo } from './schemes.js';
import type { HostRecord } from './registry.js';
import type { VmReport } from '../model/index.js';
import { OwnerStateEnum, VmStateEnum } from '../../common/grpc/convert.js';

const TiB = 2 ** 40;
/** Beyond these a capacity claim is a lie or a bug, not a machine. */
export const CAPACITY_LIMITS = { vcpus: 4096, memoryBytes: 64 * TiB, diskBytes: 1024 * TiB } as const;
/** A report this far past the last stored one is not what an agent could have produced. */
export const MAX_SEQ_JUMP = 1_000_000;
export const MAX_ADDRESSES = 16;

export type InventoryCheck = { ok: true; inv: Inventory; truncated: string[] } | { ok: false; reason: string };

const count = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

function capacityProblem(name: string, c: Capacity | null | undefined): string | undefined {
  if (!c) return undefined;
  for (const k of ['vcpus', 'memoryBytes', 'diskBytes'] as const) {
    const v = count(c[k]);
    if (!Number.isSafeInteger(v) || v < 0) return `${name}.${k} is not a plausible number`;
    if (v > CAPACITY_LIMITS[k]) return `${name}.${k} ${v} exceeds ${CAPACITY_LIMITS[k]}`;
  }
  return undefined;
}

/**
 * Lists and strings are cut to the shared bounds; implausible numbers reject
 * the whole inventory (the caller keeps the previous one): a host that claims
 * 10,000 vCPUs or more free memory than it has must not attract placements.
 */
export function checkInventory(raw: Inventory): InventoryCheck {
  const { inv, truncated } = boundInventory(raw);
  if (!inv.hash || /[^\w.:-]/.test(inv.hash)) return { ok: false, reason: 'hash is missing or malformed' };
  for (const [name, c] of [
    ['total', inv.total],
    ['reserved', inv.reserved],
    ['guest', inv.guest],
  ] as const) {
    const p = capacityProblem(name, c);
    if (p) return { ok: false, reason: p };
  }
  const total = inv.total;
  if (total) {
    // Guest vCPUs may exceed the threads (--guest-vcpus overcommits); memory and disk may not.
    for (const k of ['memoryBytes', 'diskBytes'] as const) {
      if (count(inv.guest?.[k]) > count(total[k])) return { ok: false, reason: `guest.${k} exceeds total.${k}` };
      if (count(inv.reserved?.[k]) > count(total[k])) return { ok: false, reason: `reserved.${k} exceeds total.${k}` };
    }
  }
  const cpu = inv.cpu;
  if (cpu) {
    for (const k of ['cores', 'threads', 'sockets'] as const)
      if (count(cpu[k]) > CAPACITY_LIMITS.vcpus)
        return { ok: false, reason: `cpu.${k} exceeds ${CAPACITY_LIMITS.vcpus}` };
    if (!Number.isFinite(cpu.speedGhz) || cpu.speedGhz < 0 || cpu.speedGhz > 100)
      return { ok: false, reason: 'cpu.speed_ghz is not a plausible number' };
  }
  const mem = inv.memory;
  if (mem) {
    if (count(mem.totalBytes) > CAPACITY_LIMITS.memoryBytes)
      return { ok: false, reason: `memory.total_bytes exceeds ${CAPACITY_LIMITS.memoryBytes}` };
    if (count(mem.availableBytes) > count(mem.totalBytes))
      return { ok: false, reason: 'memory.available_bytes exceeds memory.total_bytes' };
  }
  for (const f of inv.filesystems) {
    if (count(f.availableBytes) > count(f.sizeBytes))
      return { ok: false, reason: 'filesystems.available_bytes exceeds size_bytes' };
  }
  return { ok: true, inv, truncated };
}

/** Sanitises a heartbeat's load: a non-finite, negative or absurd figure reads as 0 (the planner scores on it). */
export function cleanLoad(l: HostLoad | null | undefined): HostLoad | null {
  if (!l) return null;
  const num = (v: unknown, max: number) => {
    const n = count(v);
    return Number.isFinite(n) && n >= 0 && n <= max ? n : 0;
  };
  return {
    load1: num(l.load1, 1e6),
    cpuPct: num(l.cpuPct, 100 * CAPACITY_LIMITS.vcpus),
    memoryAvailableBytes: num(l.memoryAvailableBytes, CAPACITY_LIMITS.memoryBytes),
    ownerCpuPct: num(l.ownerCpuPct, 100 * CAPACITY_LIMITS.vcpus),
    ownerIdleMs: num(l.ownerIdleMs, Number.MAX_SAFE_INTEGER),
  };
}

/** Free capacity never exceeds the guest capacity of the accepted inventory (nor is it negative). */
export function clampFree(free: Capacity | null | undefined, guest: Capacity | null | undefined): Capacity | null {
  if (!free) return null;
  const one = (k: keyof Capacity) => {
    const v = count(free[k]);
    const cap = guest ? count(guest[k]) : CAPACITY_LIMITS[k];
    return Number.isFinite(v) && v > 0 ? Math.min(v, cap) : 0;
  };
  return { vcpus: one('vcpus'), memoryBytes: one('memoryBytes'), diskBytes: one('diskBytes') };
}

const ADDRESS_RE = /^[0-9A-Za-z.:%_-]{1,64}$/;

/** The addresses a Hello lists: address-shaped strings only, at most MAX_ADDRESSES, plus the session's peer. */
export function cleanAddresses(list: unknown[], peerIp: string): string[] {
  const ok = list.filter((a): a is string => typeof a === 'string' && ADDRESS_RE.test(a)).slice(0, MAX_ADDRESSES);
  return [...new Set([...ok, peerIp].filter(Boolean))].slice(0, MAX_ADDRESSES + 1);
}

/** How to treat a report's sequence number (events and VM states share one sequence). */
export type SeqVerdict = 'store' | 'duplicate' | { reject: string };

/**
 * `durable` is the highest seq stored for the host; `sessionLast` the highest
 * seq this session delivered. Duplicates are normal after a reconnect (the
 * agent resends what it has not seen acked) but never within one session.
 */
export function judgeSeq(seq: number, durable: number, sessionLast: number): SeqVerdict {
  if (seq <= sessionLast) return { reject: 'sequence went backwards within the session' };
  if (seq <= durable) return 'duplicate';
  if (seq - durable > MAX_SEQ_JUMP)
    return { reject: `sequence jumps ${seq - durable} past the last stored report (at most ${MAX_SEQ_JUMP})` };
  return 'store';
}

const EPOCH_RE = /^[0-9a-f]{0,32}$/;
const MAX_EVENT_ATTRS = 32;
const EVENT_TYPE_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

/** The host record after a Hello: names, versions and lists cut to size, labels and owner state checked. */
export function helloRecord(r: HostRecord, hello: Hello, peer: string): HostRecord {
  return {
    ...r,
    name: hello.hostname.slice(0, 253) || r.name,
    agentVersion: hello.agentVersion.slice(0, 64),
    schemes: hello.schemes.slice(0, 16).map((s) => s.slice(0, 32)),
    addresses: cleanAddresses(hello.addresses, peerIp(peer)),
    labels: cleanLabels(hello.labels),
    owner: OwnerStateEnum.fromProto(hello.owner) ?? 'none',
    offersGuarantees: !!hello.offersGuarantees,
    schemeInfo: cleanSchemeInfo(hello.schemeInfo),
  };
}

/** Labels an agent sent, keeping only well-formed ones (the agent validates its flags too). */
function cleanLabels(l: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(l ?? {}).slice(0, 32)) {
    if (LABEL_KEY_RE.test(k) && typeof v === 'string' && v.length <= 63 && !/[\x00-\x1f]/.test(v)) out[k] = v;
  }
  return out;
}

function peerIp(peer: string): string {
  const m = /^(?:ipv4:|ipv6:)?\[?([^\]]+?)\]?:\d+$/.exec(peer);
  return m ? m[1]! : '';
}

/** A time the agent sent, if it is a plausible one (JS dates end at ±8.64e15 ms). */
function validTime(ms: number): number | undefined {
  return Number.isFinite(ms) && ms > 0 && ms < 8.64e15 ? ms : undefined;
}

/** An agent event's seq and epoch; INVALID_ARGUMENT names the field. */
export function checkAgentEvent(e: AgentEvent): void {
  if (!Number.isSafeInteger(e.seq) || e.seq <= 0) throw new InvalidArgumentError('event.seq', 'must be positive');
  if (!EPOCH_RE.test(e.epoch ?? '')) throw new InvalidArgumentError('event.epoch', 'must be up to 32 hex digits');
}

/** The stored form of an agent event: type, severity, message and attributes bounded, the agent's time kept if plausible. */
export function agentEventOf(hostId: string, e: AgentEvent, now: number) {
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.attributes ?? {}).slice(0, MAX_EVENT_ATTRS))
    attrs[k.slice(0, 64)] = String(v).slice(0, 256);
  return {
    type: `agent.${EVENT_TYPE_RE.test(e.type) ? e.type : 'unknown'}`,
    severity: (['info', 'warning', 'error'].includes(e.severity) ? e.severity : 'info') as 'info',
    message: e.message.slice(0, 1024),
    hostId,
    actor: hostId,
    attributes: {
      ...attrs,
      agent_seq: String(e.seq),
      agent_time: new Date(validTime(e.timeUnixMs) ?? now).toISOString(),
    },
  };
}

/** A VM state report, checked (INVALID_ARGUMENT names the field) and with its free text and port bounded. */
/** A checked VM report with the agent's sequence and epoch it came with. */
export type CheckedReport = VmReport & { seq: number; epoch: string };

export function checkVmStatus(r: VmStatusReport): CheckedReport {
  if (!Number.isSafeInteger(r.seq) || r.seq <= 0) throw new InvalidArgumentError('vm_status.seq', 'must be positive');
  if (typeof r.vmId !== 'string' || !ULID_RE.test(r.vmId))
    throw new InvalidArgumentError('vm_status.vm_id', 'not a vm id');
  const state = VmStateEnum.fromProto(r.state);
  if (!state) throw new InvalidArgumentError('vm_status.state', 'not a vm state');
  if (!Number.isSafeInteger(r.generation) || r.generation < 0)
    throw new InvalidArgumentError('vm_status.generation', 'must be a non-negative integer');
  if (!EPOCH_RE.test(r.epoch ?? '')) throw new InvalidArgumentError('vm_status.epoch', 'must be up to 32 hex digits');
  return {
    seq: r.seq,
    epoch: r.epoch ?? '',
    vmId: r.vmId,
    state,
    reason: String(r.reason ?? '').slice(0, 512),
    generation: r.generation,
    hostPort: r.hostPort > 0 && r.hostPort < 65536 ? r.hostPort : 0,
    guestReady: !!r.guestReady,
    timeUnixMs: r.timeUnixMs,
    taskDone: !!r.taskDone,
  };
}
