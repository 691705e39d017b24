import type { UsageBatch__Output as UsageBatch } from '../../common/gen/nephele/v1/UsageBatch.js';
import type { VmUsage__Output as VmUsage } from '../../common/gen/nephele/v1/VmUsage.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { ULID_RE } from '../../common/ids.js';
import { put, putFresh, type Op } from '../../common/store/index.js';
import type { UsageVm, UsageVms } from './vm-dims.js';
import { esc } from './codec.js';
import { packBlocks } from './blocks.js';
import { judgeContinuity, type Spans, type UsageSpans } from './continuity.js';
import { classOf, dirtyKey, hourOf, HOUR_MS, recordId, USAGE_DIRTY, USAGE_RAW, type UsageRecord } from './model.js';

// Usage batches from agents: checked like any agent input (sizes, finite
// non-negative numbers, sane times), then each record gets its dimensions from
// the controller's own VM record, never from the agent.

export const MAX_BATCH_RECORDS = 1_000;
/** An interval longer than this is not one the meter produces (it measures at most every hour; a VM down for weeks then started spans its downtime). */
const MAX_SPAN_MS = 31 * 24 * HOUR_MS;
/** Clocks drift: an interval may end a little in our future. */
const MAX_SKEW_MS = 5 * 60_000;
const MIN_TIME_MS = Date.UTC(2020, 0, 1);
/** No host has more cores than this: CPU seconds past cores × span are a lie. */
const MAX_CORES = 4096;
const MAX_SOURCES = 8;
/** Probes one VM may run at once (a policy holds at most this many): probe seconds past span × this are a lie. */
const MAX_PROBE_PARALLEL = 64;
const SOURCE_RE = /^[a-z0-9:/._-]{1,64}$/i;
const EPOCH_RE = /^[0-9a-f]{0,32}$/;

/** One record as checked (agent's word for its counters and times only). */
export type CheckedUsage = Pick<
  UsageRecord,
  | 'vmId'
  | 'startUnixMs'
  | 'endUnixMs'
  | 'cpuSeconds'
  | 'memoryByteSeconds'
  | 'diskReadBytes'
  | 'diskWriteBytes'
  | 'netRxBytes'
  | 'netTxBytes'
  | 'uptimeSeconds'
  | 'sources'
  | 'monitorPolls'
  | 'monitorProbeSeconds'
  | 'oomKills'
  | 'throttledSeconds'
>;

export interface CheckedBatch {
  seq: number;
  epoch: string;
  records: CheckedUsage[];
}

const plausible = (v: unknown, max: number, integer: boolean): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max && (!integer || Number.isSafeInteger(v));

/** What places a batch in the host's sequence (without it, a batch cannot even be kept aside). */
export function checkUsageHeader(b: UsageBatch): { seq: number; epoch: string } {
  const seq = Number(b.seq);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new InvalidArgumentError('usage.seq', 'must be a positive integer');
  if (!EPOCH_RE.test(b.epoch ?? '')) throw new InvalidArgumentError('usage.epoch', 'must be up to 32 hex digits');
  return { seq, epoch: b.epoch ?? '' };
}

/** The batch as stored, or INVALID_ARGUMENT naming the first bad field (the whole batch is refused). */
export function checkUsageBatch(b: UsageBatch, now: number): CheckedBatch {
  const { seq, epoch } = checkUsageHeader(b);
  const raw = b.records ?? [];
  if (raw.length > MAX_BATCH_RECORDS)
    throw new InvalidArgumentError('usage.records', `at most ${MAX_BATCH_RECORDS} records`);
  return { seq, epoch, records: raw.map((r, i) => checkRecord(r, i, now)) };
}

function checkRecord(r: VmUsage, i: number, now: number): CheckedUsage {
  const f = (name: string) => `usage.records[${i}].${name}`;
  if (!ULID_RE.test(r.vmId ?? '')) throw new InvalidArgumentError(f('vm_id'), 'must be a VM id');
  const start = r.startUnixMs;
  const end = r.endUnixMs;
  if (!Number.isSafeInteger(start) || start < MIN_TIME_MS)
    throw new InvalidArgumentError(f('start_unix_ms'), 'not a plausible time');
  if (!Number.isSafeInteger(end) || end <= start || end > now + MAX_SKEW_MS || end - start > MAX_SPAN_MS)
    throw new InvalidArgumentError(
      f('end_unix_ms'),
      'must be after the start, at most 31 days later, not in the future',
    );
  const span = (end - start) / 1000;
  const num = (name: string, v: unknown, max: number, integer = false): number => {
    if (!plausible(v, max, integer))
      throw new InvalidArgumentError(f(name), `must be a finite ${integer ? 'integer' : 'number'} from 0 to ${max}`);
    return v;
  };
  const sources: Record<string, string> = {};
  const entries = Object.entries(r.sources ?? {});
  if (entries.length > MAX_SOURCES) throw new InvalidArgumentError(f('sources'), `at most ${MAX_SOURCES} entries`);
  for (const [k, v] of entries) {
    if (!SOURCE_RE.test(k) || !SOURCE_RE.test(v))
      throw new InvalidArgumentError(f('sources'), 'keys and values must be 1-64 of [a-z0-9:/._-]');
    sources[k] = v;
  }
  const BYTES = Number.MAX_SAFE_INTEGER;
  return {
    vmId: r.vmId,
    startUnixMs: start,
    endUnixMs: end,
    cpuSeconds: num('cpu_seconds', r.cpuSeconds, span * MAX_CORES),
    memoryByteSeconds: num('memory_byte_seconds', r.memoryByteSeconds, span * 2 ** 50),
    diskReadBytes: num('disk_read_bytes', r.diskReadBytes, BYTES, true),
    diskWriteBytes: num('disk_write_bytes', r.diskWriteBytes, BYTES, true),
    netRxBytes: num('net_rx_bytes', r.netRxBytes, BYTES, true),
    netTxBytes: num('net_tx_bytes', r.netTxBytes, BYTES, true),
    uptimeSeconds: num('uptime_seconds', r.uptimeSeconds, span + 1),
    sources,
    // A poll takes at least a millisecond; probes run at most MAX_PROBE_PARALLEL at once per VM.
    monitorPolls: num('monitor_polls', r.monitorPolls ?? 0, span * 1000 + 1, true),
    monitorProbeSeconds: num('monitor_probe_seconds', r.monitorProbeSeconds ?? 0, span * MAX_PROBE_PARALLEL),
    // Pressure (issue 15): a kill takes at least a millisecond; a quota is exhausted at most span x cores.
    oomKills: num('oom_kills', r.oomKills ?? 0, span * 1000 + 1, true),
    throttledSeconds: num('throttled_seconds', r.throttledSeconds ?? 0, span * MAX_CORES),
  };
}

/** The reporting host may speak for a VM it runs, or ran last (a moved VM's last interval counts). */
export function reportsFor(vm: Pick<UsageVm, 'hostId' | 'tried'>, hostId: string): boolean {
  return vm.hostId === hostId || !!vm.tried?.includes(hostId);
}

/** A stored record: the agent's counters with the controller's dimensions. */
export function enrich(hostId: string, vm: UsageVm, u: CheckedUsage): UsageRecord {
  const up = u.uptimeSeconds;
  // One literal, fields spelled out: this runs for every record ingested (a spread here cost more than the store write).
  return {
    id: recordId({ hostId, vmId: vm.id, startUnixMs: u.startUnixMs }),
    vmId: vm.id,
    vmName: vm.name,
    setId: vm.setId,
    tenant: vm.tenant,
    hostId,
    scheme: vm.spec.scheme,
    vmClass: classOf(vm.spec),
    app: vm.app ?? '',
    userGroup: vm.userGroup ?? '',
    sla: vm.sla,
    vcpus: vm.spec.vcpus,
    memoryMib: vm.spec.memoryMib,
    startUnixMs: u.startUnixMs,
    endUnixMs: u.endUnixMs,
    cpuSeconds: u.cpuSeconds,
    memoryByteSeconds: u.memoryByteSeconds,
    diskReadBytes: u.diskReadBytes,
    diskWriteBytes: u.diskWriteBytes,
    netRxBytes: u.netRxBytes,
    netTxBytes: u.netTxBytes,
    uptimeSeconds: up,
    vcpuSeconds: vm.spec.vcpus * up,
    memoryMibSeconds: vm.spec.memoryMib * up,
    records: 1,
    monitorPolls: u.monitorPolls ?? 0,
    monitorProbeSeconds: u.monitorProbeSeconds ?? 0,
    monitorActions: 0,
    oomKills: u.oomKills ?? 0,
    throttledSeconds: u.throttledSeconds ?? 0,
    sources: u.sources,
    source: '',
  };
}

/** The escaped fields source..memory_mib of a VM's records from a host: the same for each of them. */
const dimsLines = new WeakMap<UsageVm, { hostId: string; text: string }>();

function dimsLine(hostId: string, vm: UsageVm): string {
  const c = dimsLines.get(vm);
  if (c?.hostId === hostId) return c.text;
  const s = vm.spec;
  const text =
    `,${esc(vm.tenant)},${esc(vm.app ?? '')},${esc(vm.userGroup ?? '')},${esc(vm.setId)},${esc(vm.id)},` +
    `${esc(vm.name)},${esc(hostId)},${esc(s.scheme)},${esc(classOf(s))},${esc(vm.sla)},${s.vcpus},${s.memoryMib}`;
  dimsLines.set(vm, { hostId, text });
  return text;
}

/**
 * encodeUsage(enrich(hostId, vm, u)), without the record in between: per record
 * ingested, that object and the escaping of a dozen fields that are the same
 * for every record of the VM were most of the garbage ingest made. The record
 * id is left empty (it is recordId's), the source '' (our own agents').
 */
export function usageLine(hostId: string, vm: UsageVm, u: CheckedUsage): string {
  const up = u.uptimeSeconds;
  let src = '';
  for (const k in u.sources) src += `,${esc(k)},${esc(u.sources[k]!)}`;
  return (
    `1,${u.startUnixMs},${u.endUnixMs},,${dimsLine(hostId, vm)},${u.cpuSeconds},${u.memoryByteSeconds},` +
    `${u.diskReadBytes},${u.diskWriteBytes},${u.netRxBytes},${u.netTxBytes},${up},${vm.spec.vcpus * up},` +
    `${vm.spec.memoryMib * up},1,${u.monitorPolls ?? 0},${u.monitorProbeSeconds ?? 0},0,${u.oomKills ?? 0},` +
    `${u.throttledSeconds ?? 0}${src}`
  );
}

/** The hours an interval touches (their rollups must be recomputed). */
export function hoursOf(startUnixMs: number, endUnixMs: number): number[] {
  const out: number[] = [];
  for (let h = hourOf(startUnixMs); h < endUnixMs; h += HOUR_MS) out.push(h);
  return out;
}

/**
 * The writes that store a host's checked records of batch `seq` (its blocks of
 * raw records, blocks.ts, dirty-hour marks and the host's new spans,
 * continuity.ts), to go in one batch with its ack write. Records about VMs the
 * host does not run (or no longer exist) are left out and counted, and so are
 * those overlapping what the host already reported for their VM. With `spans`
 * in the result the caller commits them to `spans` once the batch is stored.
 */
export async function usageOps(
  vmsOf: UsageVms,
  hostId: string,
  seq: number,
  records: CheckedUsage[],
  now: number,
  spans: UsageSpans,
): Promise<{ ops: Op[]; stored: number; foreign: number; overlapping: number; spans?: Map<string, Spans> }> {
  if (!records.length) return { ops: [], stored: 0, foreign: 0, overlapping: 0 };
  const vms = await vmsOf.get([...new Set(records.map((r) => r.vmId))]);
  const own: CheckedUsage[] = [];
  for (const u of records) {
    const vm = vms.get(u.vmId);
    if (vm && reportsFor(vm, hostId)) own.push(u);
  }
  const foreign = records.length - own.length;
  const c = judgeContinuity(await spans.get(hostId), own);
  if (!c.kept.length) return { ops: [], stored: 0, foreign, overlapping: c.overlapping };
  const starts: number[] = [];
  const lines: string[] = [];
  const hours = new Set<number>();
  for (const u of c.kept) {
    starts.push(u.startUnixMs);
    lines.push(usageLine(hostId, vms.get(u.vmId)!, u));
    for (let h = hourOf(u.startUnixMs); h < u.endUnixMs; h += HOUR_MS) hours.add(h);
  }
  // Keys never written before ((host, seq) is stored once): no version read.
  const ops: Op[] = packBlocks(hostId, seq, starts, lines).map((b) => putFresh(USAGE_RAW, b.key, b.value));
  for (const h of hours) ops.push(put(USAGE_DIRTY, dirtyKey(h), { markedUnixMs: now }));
  ops.push(spans.write(hostId, c.next));
  return { ops, stored: c.kept.length, foreign, overlapping: c.overlapping, spans: c.next };
}

/**
 * Records being written at once, across sessions: group commit joins
 * concurrent writes into one batch, and after a controller restart every host
 * may resend a backlog of 1,000-record batches at once; this keeps one group
 * (and the memory it holds) bounded. A batch larger than the budget goes alone.
 */
export class RecordBudget {
  private inFlight = 0;
  private readonly waiting: { n: number; go: () => void }[] = [];

  constructor(private readonly max = 32_000) {}

  async run<T>(n: number, fn: () => Promise<T>): Promise<T> {
    // In order: nobody passes a batch that waits. A waiter's share is reserved by whoever wakes it.
    if (this.waiting.length || (this.inFlight > 0 && this.inFlight + n > this.max))
      await new Promise<void>((go) => this.waiting.push({ n, go }));
    else this.inFlight += n;
    try {
      return await fn();
    } finally {
      this.inFlight -= n;
      while (this.waiting.length && (this.inFlight === 0 || this.inFlight + this.waiting[0]!.n <= this.max)) {
        const w = this.waiting.shift()!;
        this.inFlight += w.n;
        w.go();
      }
    }
  }
}
