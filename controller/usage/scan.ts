import type { ScanOptions, Store } from '../../common/store/index.js';
import { blockLines, isBlock } from './blocks.js';
import { decodeUsage } from './codec.js';
import { hourOf, matches, pad13, USAGE_IMPORTED, USAGE_RAW, type UsageFilter, type UsageRecord } from './model.js';

// The one reader of raw usage (own and imported): every stored form comes out
// of here as records or v1 lines, whatever it was written as: a block of lines
// (blocks.ts, what ingest writes), a line alone (codec.ts, ingest before
// blocks; the monitor's action records) or a JSON object (before lines).

/** The collection and key range of a filter's raw records (own usage by time, imported by source and time). */
export function rawRange(filter: UsageFilter): { coll: string; from: string; to: string } {
  if (filter.source)
    return {
      coll: USAGE_IMPORTED,
      from: `${filter.source}.${pad13(filter.fromUnixMs)}`,
      to: filter.toUnixMs ? `${filter.source}.${pad13(filter.toUnixMs)}` : `${filter.source}.\uffff`,
    };
  // A block is keyed by its first start and may hold later records of that hour: the range starts at the hour.
  return {
    coll: USAGE_RAW,
    from: pad13(hourOf(filter.fromUnixMs)),
    to: filter.toUnixMs ? pad13(filter.toUnixMs) : '\uffff',
  };
}

/**
 * Where a paged read resumes: entry `k` and those before it are done, but for
 * `i`: then the first `i` records of entry `k` are (a block read in part). Comes
 * back from clients inside page tokens: any value is safe (a key out of the
 * range restarts at the range, an `i` past the entry's records skips it).
 */
export interface ScanPos {
  k: string;
  i?: number;
}

/** One stored entry's records: v1 lines (read in place by exports) or records (older JSON objects). */
export type RawItem = string | UsageRecord;

/** The records an entry holds, in order. */
export function itemsOf(v: unknown): RawItem[] {
  if (isBlock(v)) return blockLines(v);
  return [v as RawItem];
}

/**
 * The stored entries of `coll` in [from, to), each with its records, from `after`
 * on (its first `after.i` records left out). `keys: false`: the caller needs no
 * keys (a scan that reads none is cheaper); it then cannot resume by position.
 */
export async function* rawEntries(
  store: Store,
  coll: string,
  range: { from: string; to: string },
  opts: { after?: ScanPos; keys?: false } = {},
): AsyncGenerator<{ key: string; items: RawItem[] }> {
  const after = opts.after && opts.after.k >= range.from ? opts.after : undefined;
  const scan: ScanOptions = after ? { gte: after.k, lt: range.to } : { gte: range.from, lt: range.to };
  if (opts.keys === false && !after) scan.keys = false;
  for await (const { key, value } of store.scan<unknown>(coll, scan)) {
    let items = itemsOf(value);
    if (after && key === after.k) {
      if (after.i === undefined) continue;
      items = items.slice(after.i);
    }
    yield { key, items };
  }
}

/**
 * Raw records matching `filter`, in key order (time, by the hour for blocks),
 * reading only the filter's time range (own usage) or the source's range
 * (imported). `after` is where a previous page ended. Bounded by `limit`
 * records returned and by `maxRead` records read (a selective filter over a
 * long range must not hold a call forever); `next` says where to resume,
 * `more` whether to.
 */
export async function scanRaw(
  store: Store,
  filter: UsageFilter,
  opts: { after?: ScanPos; limit: number; maxRead?: number },
): Promise<{ records: UsageRecord[]; next?: ScanPos; more: boolean }> {
  const { coll, from, to } = rawRange(filter);
  const maxRead = opts.maxRead ?? opts.limit * 20;
  const records: UsageRecord[] = [];
  let read = 0;
  for await (const { key, items } of rawEntries(store, coll, { from, to }, { after: opts.after })) {
    const skipped = opts.after?.k === key ? (opts.after.i ?? 0) : 0;
    for (let j = 0; j < items.length; j++) {
      const value = decodeUsage(items[j]!);
      if (matches(value, filter)) records.push(value);
      if (records.length >= opts.limit || ++read >= maxRead) {
        const next = j + 1 < items.length ? { k: key, i: skipped + j + 1 } : { k: key };
        return { records, next, more: true };
      }
    }
  }
  return { records, more: false };
}

/** Every raw record of our own usage that starts in the hour (what its rollup reads). */
export async function* hourRecords(store: Store, hour: number): AsyncGenerator<UsageRecord> {
  const range = { from: pad13(hour), to: pad13(hour + 3_600_000) };
  for await (const { items } of rawEntries(store, USAGE_RAW, range, { keys: false }))
    for (const it of items) yield decodeUsage(it);
}
