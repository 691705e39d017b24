// Usage retention: how long each level is kept (--usage-retention
// raw=7d,hour=90d,day=2y), and the chunked, time-budgeted deletes that enforce
// it (like controller/events/retention.ts: a run never stalls the event loop).
import { InvalidArgumentError } from '../../common/errors.js';
import { del, type Op, type Store } from '../../common/store/index.js';
import { DAY_MS, HOUR_MS, hourOf, pad13, USAGE_IMPORTED, USAGE_RAW } from './model.js';
import { isBlockKey } from './blocks.js';
import { USAGE_SOURCES } from './import.js';
import { SUMMARY_LEVELS, USAGE_DAY, USAGE_DAY_SUM, USAGE_HOUR, USAGE_HOUR_SUM } from './rollup.js';

export interface UsageRetention {
  rawMs: number;
  hourMs: number;
  dayMs: number;
}

export const DEFAULT_USAGE_RETENTION: UsageRetention = { rawMs: 7 * DAY_MS, hourMs: 90 * DAY_MS, dayMs: 730 * DAY_MS };

const UNITS: Record<string, number> = { h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS, y: 365 * DAY_MS };
const FLAG = '--usage-retention';

/**
 * Parses `raw=7d,hour=90d,day=2y` (any subset; the rest keep their defaults).
 * Each level is kept at least as long as the finer one: a rollup is recomputed
 * from the level below it, so the finer level must not outlive it.
 */
export function parseUsageRetention(spec: string | undefined): UsageRetention {
  const out = { ...DEFAULT_USAGE_RETENTION };
  const names = { raw: 'rawMs', hour: 'hourMs', day: 'dayMs' } as const;
  for (const part of (spec ?? '').split(',').filter((p) => p.trim())) {
    const m = /^\s*(raw|hour|day)\s*=\s*(\d{1,5})(h|d|w|y)\s*$/.exec(part);
    if (!m) throw new InvalidArgumentError(FLAG, `${JSON.stringify(part)} must be raw|hour|day=<n>h|d|w|y`);
    const ms = Number(m[2]) * UNITS[m[3]!]!;
    if (ms < HOUR_MS) throw new InvalidArgumentError(`${FLAG} ${m[1]}`, 'must be at least 1h');
    out[names[m[1] as keyof typeof names]] = ms;
  }
  if (out.hourMs < out.rawMs) throw new InvalidArgumentError(`${FLAG} hour`, 'must be at least as long as raw');
  if (out.dayMs < out.hourMs) throw new InvalidArgumentError(`${FLAG} day`, 'must be at least as long as hour');
  return out;
}

/** Deletes per store batch. */
const CHUNK = 1000;
/** One run stops after this long and reports `more`; the next tick continues. */
const BUDGET_MS = 200;

/** Every level, the key prefix its periods are ordered under, and the age past which they go. */
function levels(r: UsageRetention): [string, string, number][] {
  const sums = (coll: string, ms: number) => SUMMARY_LEVELS.map((l): [string, string, number] => [coll, `${l}.`, ms]);
  return [
    [USAGE_RAW, '', r.rawMs],
    [USAGE_HOUR, '', r.hourMs],
    ...sums(USAGE_HOUR_SUM, r.hourMs),
    [USAGE_DAY, '', r.dayMs],
    ...sums(USAGE_DAY_SUM, r.dayMs),
  ];
}

/** Deletes what each level holds past its age, a chunk per batch, within the time budget. */
export async function pruneUsage(
  store: Store,
  r: UsageRetention,
  now: number,
  budgetMs = BUDGET_MS,
): Promise<{ deleted: number; more: boolean }> {
  const until = performance.now() + budgetMs;
  let deleted = 0;
  // Imported usage (keyed source.start.…) is history for backup plans: kept as long as day rollups.
  const imported: [string, string, number][] = [];
  for await (const { key } of store.scan(USAGE_SOURCES, { limit: 10_000 }))
    imported.push([USAGE_IMPORTED, `${key}.`, r.dayMs]);
  for (const [coll, prefix, keepMs] of [...levels(r), ...imported]) {
    const lt = prefix + pad13(now - keepMs);
    // A block of raw records (blocks.ts) goes whole once all of it is past: those of the cutoff's hour stay.
    const blocksFrom = coll === USAGE_RAW ? pad13(hourOf(now - keepMs)) : undefined;
    let after: string | undefined;
    for (;;) {
      const dels: Op[] = [];
      let scanned = 0;
      for await (const { key } of store.scan(coll, {
        ...(after ? { gt: after } : { gte: prefix }),
        lt,
        limit: CHUNK,
      })) {
        scanned++;
        after = key;
        if (blocksFrom === undefined || key < blocksFrom || !isBlockKey(key)) dels.push(del(coll, key));
      }
      if (dels.length) await store.batch(dels);
      deleted += dels.length;
      if (scanned < CHUNK) break;
      if (performance.now() >= until) return { deleted, more: true };
    }
  }
  return { deleted, more: false };
}
