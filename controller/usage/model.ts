import type { Sla } from '../../common/model/enums.js';

// The usage capability's own model: what is stored and summed. Wire types
// (UsageRow, VmUsage, UsageFilter) are converted at the edge (usage/convert.ts).

/**
 * Raw records of this controller's own agents: packed, one entry per batch and hour (blocks.ts,
 * key `blockKey`); records stored alone before blocks (and the monitor's actions) under `rawKey`.
 * Read through scan.ts only.
 */
export const USAGE_RAW = 'usage-raw';
/** Raw records imported from a source controller: key `importedKey` (ordered by source, then start). */
export const USAGE_IMPORTED = 'usage-imported';

/** Summed counters: raw records carry one interval's, rollups and query rows the sum of many. */
export interface UsageMetrics {
  cpuSeconds: number;
  /** Average RSS x seconds. */
  memoryByteSeconds: number;
  diskReadBytes: number;
  diskWriteBytes: number;
  netRxBytes: number;
  netTxBytes: number;
  /** Seconds the VM ran. */
  uptimeSeconds: number;
  /** Allocated vCPUs x uptime: what a vCPU-hour price applies to. */
  vcpuSeconds: number;
  /** Allocated memory (MiB) x uptime: what a GiB-hour price applies to. */
  memoryMibSeconds: number;
  /** Raw records summed (1 for a raw record). */
  records: number;
  /** The monitor dimension (issue 14): appliance polls, probe run time, control actions. Absent on older records (read as 0). */
  monitorPolls?: number;
  monitorProbeSeconds?: number;
  monitorActions?: number;
  /** Resource pressure (issue 15): OOM kills and seconds the CPU quota was exhausted. Absent on older records (read as 0). */
  oomKills?: number;
  throttledSeconds?: number;
}

/** Who and what a record is about: taken from the controller's VM record at ingest, never from the agent. */
export interface UsageDims {
  vmId: string;
  vmName: string;
  setId: string;
  tenant: string;
  hostId: string;
  scheme: string;
  vmClass: string;
  app: string;
  userGroup: string;
  sla: Sla;
  vcpus: number;
  memoryMib: number;
}

/** One VM's consumption over one metering interval, as stored. */
export interface UsageRecord extends UsageDims, UsageMetrics {
  /** Stable: `<host>.<vm>.<start>` for our own; a re-sent batch overwrites its block (blocks.ts). */
  id: string;
  startUnixMs: number;
  endUnixMs: number;
  /** Where each counter came from (agent's word, e.g. cpu: cgroup, net: guest:/proc/net/dev). */
  sources: Record<string, string>;
  /** '' = this controller's agents; otherwise the source controller it was imported from. */
  source: string;
}

/** Dimensions a query may filter and group by (wire names). */
export const DIMENSIONS = ['tenant', 'app', 'user_group', 'set', 'vm', 'host', 'scheme', 'class', 'sla'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const dimValue = (r: UsageDims, d: Dimension): string => {
  switch (d) {
    case 'tenant':
      return r.tenant;
    case 'app':
      return r.app;
    case 'user_group':
      return r.userGroup;
    case 'set':
      return r.setId;
    case 'vm':
      return r.vmId;
    case 'host':
      return r.hostId;
    case 'scheme':
      return r.scheme;
    case 'class':
      return r.vmClass;
    case 'sla':
      return r.sla;
  }
};

/** A validated filter ('' = any). Time: a record belongs to [from, to) by its interval start. */
export interface UsageFilter {
  tenant: string;
  app: string;
  userGroup: string;
  setId: string;
  vmId: string;
  hostId: string;
  fromUnixMs: number;
  /** Exclusive; 0 = no end. */
  toUnixMs: number;
  /** '' = own usage; otherwise a source controller's imported usage. */
  source: string;
}

export const anyFilter = (): UsageFilter => ({
  tenant: '',
  app: '',
  userGroup: '',
  setId: '',
  vmId: '',
  hostId: '',
  fromUnixMs: 0,
  toUnixMs: 0,
  source: '',
});

export function matches(r: UsageDims & { startUnixMs: number; source?: string }, f: UsageFilter): boolean {
  return (
    (!f.tenant || r.tenant === f.tenant) &&
    (!f.app || r.app === f.app) &&
    (!f.userGroup || r.userGroup === f.userGroup) &&
    (!f.setId || r.setId === f.setId) &&
    (!f.vmId || r.vmId === f.vmId) &&
    (!f.hostId || r.hostId === f.hostId) &&
    (f.source ?? '') === (r.source ?? '') &&
    r.startUnixMs >= f.fromUnixMs &&
    (!f.toUnixMs || r.startUnixMs < f.toUnixMs)
  );
}

export const zeroMetrics = (): UsageMetrics => ({
  cpuSeconds: 0,
  memoryByteSeconds: 0,
  diskReadBytes: 0,
  diskWriteBytes: 0,
  netRxBytes: 0,
  netTxBytes: 0,
  uptimeSeconds: 0,
  vcpuSeconds: 0,
  memoryMibSeconds: 0,
  records: 0,
  monitorPolls: 0,
  monitorProbeSeconds: 0,
  monitorActions: 0,
  oomKills: 0,
  throttledSeconds: 0,
});

export const METRIC_KEYS = Object.keys(zeroMetrics()) as (keyof UsageMetrics)[];

/** Adds `b` into `a` (in place) and returns `a`. A counter an older record lacks counts 0. */
export function addMetrics(a: UsageMetrics, b: UsageMetrics): UsageMetrics {
  for (const k of METRIC_KEYS) a[k] = (a[k] ?? 0) + (b[k] ?? 0);
  return a;
}

/** Fixed-width, so keys sort by time (13 digits hold every ms until the year 2286). */
export const pad13 = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(13, '0');

export const rawKey = (r: Pick<UsageRecord, 'startUnixMs' | 'hostId' | 'vmId'>): string =>
  `${pad13(r.startUnixMs)}.${r.hostId}.${r.vmId}`;
export const recordId = (r: Pick<UsageRecord, 'startUnixMs' | 'hostId' | 'vmId'>): string =>
  `${r.hostId}.${r.vmId}.${r.startUnixMs}`;
export const importedKey = (source: string, r: Pick<UsageRecord, 'startUnixMs' | 'id'>): string =>
  `${source}.${pad13(r.startUnixMs)}.${r.id}`;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const hourOf = (ms: number): number => ms - (ms % HOUR_MS);
export const dayOf = (ms: number): number => ms - (ms % DAY_MS);

/** A VM's class: its spec's, else its shape ("2c-1g", "1c-512m"). */
export function classOf(spec: { vcpus: number; memoryMib: number; vmClass?: string }): string {
  if (spec.vmClass) return spec.vmClass;
  const mem = spec.memoryMib % 1024 === 0 ? `${spec.memoryMib / 1024}g` : `${spec.memoryMib}m`;
  return `${spec.vcpus}c-${mem}`;
}

/** One line of a rate card: the most specific that matches prices a record (class+sla, class, sla, any). */
export interface Rate {
  vmClass: string;
  /** undefined = any SLA. */
  sla?: Sla;
  vcpuHour: number;
  memoryGibHour: number;
  diskIoGb: number;
  networkGb: number;
  /** The monitor dimension; absent on older cards (read as 0). */
  monitorKPolls?: number;
  monitorProbeHour?: number;
  monitorAction?: number;
}

export interface RateCard {
  version: number;
  currency: string;
  rates: Rate[];
  createdUnixMs: number;
}

export function rateFor(card: RateCard, r: Pick<UsageDims, 'vmClass' | 'sla'>): Rate | undefined {
  const score = (x: Rate) => (x.vmClass ? 2 : 0) + (x.sla ? 1 : 0);
  let best: Rate | undefined;
  for (const x of card.rates) {
    if ((x.vmClass && x.vmClass !== r.vmClass) || (x.sla && x.sla !== r.sla)) continue;
    if (!best || score(x) > score(best)) best = x;
  }
  return best;
}

/** What a record (or a sum of records of one class and SLA) costs, per component and in all. */
export interface Cost {
  vcpu: number;
  memory: number;
  diskIo: number;
  network: number;
  monitor: number;
  total: number;
}

const GB = 1e9;
const GIB = 1024 ** 3;

export function costOf(m: UsageMetrics, rate: Rate | undefined): Cost {
  if (!rate) return { vcpu: 0, memory: 0, diskIo: 0, network: 0, monitor: 0, total: 0 };
  const vcpu = (m.vcpuSeconds / 3600) * rate.vcpuHour;
  const memory = ((m.memoryMibSeconds * 1024 * 1024) / GIB / 3600) * rate.memoryGibHour;
  const diskIo = ((m.diskReadBytes + m.diskWriteBytes) / GB) * rate.diskIoGb;
  const network = ((m.netRxBytes + m.netTxBytes) / GB) * rate.networkGb;
  const monitor = monitorCost(m, rate);
  return { vcpu, memory, diskIo, network, monitor, total: vcpu + memory + diskIo + network + monitor };
}

/** Monitoring's price: per 1,000 polls, per probe-hour, per control action. */
export function monitorCost(m: Partial<UsageMetrics>, rate: Rate): number {
  return (
    ((m.monitorPolls ?? 0) / 1000) * (rate.monitorKPolls ?? 0) +
    ((m.monitorProbeSeconds ?? 0) / 3600) * (rate.monitorProbeHour ?? 0) +
    (m.monitorActions ?? 0) * (rate.monitorAction ?? 0)
  );
}

/**
 * Hours whose rollups must be (re)computed: key `pad13(hourStart)`, written in the
 * same batch as the raw records that touched them (late ones included), cleared
 * by the rollup job once the hour and its day are recomputed from raw.
 */
export const USAGE_DIRTY = 'usage-dirty';
export const dirtyKey = (hourStartUnixMs: number): string => pad13(hourStartUnixMs);
