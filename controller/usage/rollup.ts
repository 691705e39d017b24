import { del, put, type Op, type Store } from '../../common/store/index.js';
import { hourRecords } from './scan.js';
import {
  addMetrics,
  DAY_MS,
  dayOf,
  dirtyKey,
  HOUR_MS,
  METRIC_KEYS,
  pad13,
  USAGE_DIRTY,
  zeroMetrics,
  type UsageDims,
  type UsageMetrics,
} from './model.js';

// Hourly and daily rollups. Per VM (and host: a VM that moved has a row per
// host) with all its dimensions: the ground truth any filter or group-by at
// hour/day is answered from. Per set, app, user group and tenant: sums for
// dashboards. An hour is always RECOMPUTED from its raw records (never
// incremented), its day from its hours, so a late or re-sent record cannot be
// counted twice.

export const USAGE_HOUR = 'usage-hour';
export const USAGE_DAY = 'usage-day';
/** Sums per set, app, user group and tenant: key `summaryKey`. */
export const USAGE_HOUR_SUM = 'usage-hour-sum';
export const USAGE_DAY_SUM = 'usage-day-sum';

/** One VM's usage on one host over one hour or day. */
export interface RollupRow extends UsageDims, UsageMetrics {
  startUnixMs: number;
  endUnixMs: number;
}

export const SUMMARY_LEVELS = ['tenant', 'set', 'app', 'user_group'] as const;
export type SummaryLevel = (typeof SUMMARY_LEVELS)[number];

/** Carries the level's dimension under its usual name (setId, app or userGroup), so a query filters and groups it as a rollup row. */
export interface SummaryRow extends UsageMetrics, Partial<UsageDims> {
  level: SummaryLevel;
  tenant: string;
  /** The set id, app or user group ('' = none given); the tenant itself for level tenant. */
  value: string;
  startUnixMs: number;
  endUnixMs: number;
}

/** Ordered by period (summaries: per level, then period), so a time range is one key range. */
export const rollupKey = (r: Pick<RollupRow, 'startUnixMs' | 'vmId' | 'hostId'>): string =>
  `${pad13(r.startUnixMs)}.${r.vmId}.${r.hostId}`;
export const summaryKey = (s: Pick<SummaryRow, 'startUnixMs' | 'level' | 'tenant' | 'value'>): string =>
  `${s.level}.${pad13(s.startUnixMs)}.${s.tenant}.${s.value}`;
/** The field of UsageDims a summary level is about (tenant's is the tenant itself). */
export const LEVEL_FIELD = { tenant: 'tenant', set: 'setId', app: 'app', user_group: 'userGroup' } as const;

export const metricsOf = (m: UsageMetrics): UsageMetrics => {
  const out = zeroMetrics();
  for (const k of METRIC_KEYS) out[k] = m[k] ?? 0; // older records lack the newer counters
  return out;
};

export const dimsOf = (r: UsageDims): UsageDims => ({
  vmId: r.vmId,
  vmName: r.vmName,
  setId: r.setId,
  tenant: r.tenant,
  hostId: r.hostId,
  scheme: r.scheme,
  vmClass: r.vmClass,
  app: r.app,
  userGroup: r.userGroup,
  sla: r.sla,
  vcpus: r.vcpus,
  memoryMib: r.memoryMib,
});

/** Adds a raw record (or hour row) into `out`'s row of its VM and host for the period [start, start+len). */
function addPerVm(out: Map<string, RollupRow>, r: UsageDims & UsageMetrics, start: number, len: number): void {
  const key = rollupKey({ startUnixMs: start, vmId: r.vmId, hostId: r.hostId });
  const cur = out.get(key);
  if (cur) addMetrics(cur, r);
  else out.set(key, { ...dimsOf(r), ...metricsOf(r), startUnixMs: start, endUnixMs: start + len });
}

export function sumPerVm(rows: Iterable<UsageDims & UsageMetrics>, start: number, len: number): Map<string, RollupRow> {
  const out = new Map<string, RollupRow>();
  for (const r of rows) addPerVm(out, r, start, len);
  return out;
}

/** Per-VM rows of one period summed per tenant, set, app and user group (each within its tenant). */
export function summarize(rows: Iterable<RollupRow>): Map<string, SummaryRow> {
  const out = new Map<string, SummaryRow>();
  for (const r of rows) {
    for (const level of SUMMARY_LEVELS) {
      const value = r[LEVEL_FIELD[level]];
      const s = { level, tenant: r.tenant, value, startUnixMs: r.startUnixMs };
      const key = summaryKey(s);
      const cur = out.get(key);
      if (cur) addMetrics(cur, r);
      else out.set(key, { ...s, [LEVEL_FIELD[level]]: value, ...metricsOf(r), endUnixMs: r.endUnixMs });
    }
  }
  return out;
}

/** What one rollup run does with the dirty hours it read (pure: decided, then acted on). */
export interface RollupPlan {
  /** Recomputed from raw, oldest first. */
  recompute: number[];
  /** Past raw retention: their raw is (being) deleted, so the mark is dropped and the rollups kept as they are. */
  expired: number[];
}

export function planRollup(dirtyHours: readonly number[], now: number, rawRetentionMs: number): RollupPlan {
  const rawFrom = now - rawRetentionMs;
  const sorted = [...new Set(dirtyHours)].sort((a, b) => a - b);
  return {
    recompute: sorted.filter((h) => h + HOUR_MS > rawFrom),
    expired: sorted.filter((h) => h + HOUR_MS <= rawFrom),
  };
}

/** Raw records of one hour that are read at most (an hour of 1,000 VMs metered each minute is 60,000). */
export const MAX_HOUR_RECORDS = 1_000_000;

async function readRange<T>(
  store: Store,
  coll: string,
  from: number,
  to: number,
  prefix = '',
): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  for await (const { key, value } of store.scan<T>(coll, { gte: prefix + pad13(from), lt: prefix + pad13(to) }))
    out.set(key, value);
  return out;
}

/** A period's summaries of every level, as stored. */
async function readSummaries(store: Store, coll: string, start: number): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const level of SUMMARY_LEVELS)
    for (const [k, v] of await readRange(store, coll, start, start + 1, `${level}.`)) out.set(k, v);
  return out;
}

/** Puts for `next`, deletes for what `prev` had and `next` does not. */
function replaceOps<T>(coll: string, prev: Map<string, unknown>, next: Map<string, T>): Op[] {
  const ops: Op[] = [];
  for (const k of prev.keys()) if (!next.has(k)) ops.push(del(coll, k));
  for (const [k, v] of next) ops.push(put(coll, k, v));
  return ops;
}

/**
 * Recomputes one hour from its raw records, its day from its hours, and both
 * levels' summaries, and clears the hour's dirty mark: one atomic batch,
 * conditional on the mark being unchanged since it was read. A record written
 * meanwhile bumps the mark (same batch as the record), so the batch fails
 * with a conflict and the caller runs the hour again: nothing is lost.
 */
export async function recomputeHour(store: Store, hour: number): Promise<{ records: number }> {
  const mark = await store.get(USAGE_DIRTY, dirtyKey(hour));
  // Summed as read: memory holds one row per VM, not the hour's records.
  const hourRows = new Map<string, RollupRow>();
  let records = 0;
  for await (const r of hourRecords(store, hour)) {
    addPerVm(hourRows, r, hour, HOUR_MS);
    if (++records > MAX_HOUR_RECORDS) throw new Error('hour holds more raw records than a rollup reads');
  }
  const day = dayOf(hour);
  const dayHours = await readRange<RollupRow>(store, USAGE_HOUR, day, day + DAY_MS);
  for (const k of [...dayHours.keys()]) if (k.startsWith(pad13(hour))) dayHours.delete(k);
  for (const [k, v] of hourRows) dayHours.set(k, v);
  const dayRows = sumPerVm(dayHours.values(), day, DAY_MS);
  const ops: Op[] = [
    ...replaceOps(USAGE_HOUR, await readRange(store, USAGE_HOUR, hour, hour + HOUR_MS), hourRows),
    ...replaceOps(USAGE_DAY, await readRange(store, USAGE_DAY, day, day + 1), dayRows),
    ...replaceOps(USAGE_HOUR_SUM, await readSummaries(store, USAGE_HOUR_SUM, hour), summarize(hourRows.values())),
    ...replaceOps(USAGE_DAY_SUM, await readSummaries(store, USAGE_DAY_SUM, day), summarize(dayRows.values())),
  ];
  if (mark) ops.push(del(USAGE_DIRTY, dirtyKey(hour)));
  await store.batch(ops, [{ coll: USAGE_DIRTY, key: dirtyKey(hour), version: mark?.version ?? 0 }]);
  return { records };
}
