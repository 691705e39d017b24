import type { Store } from '../../common/store/index.js';
import { decodeUsage } from './codec.js';
import { matches, pad13, USAGE_IMPORTED, USAGE_RAW, type UsageFilter, type UsageRecord } from './model.js';

/** The collection and key range of a filter's raw records (own usage by time, imported by source and time). */
export function rawRange(filter: UsageFilter): { coll: string; from: string; to: string } {
  const prefix = filter.source ? `${filter.source}.` : '';
  return {
    coll: filter.source ? USAGE_IMPORTED : USAGE_RAW,
    from: prefix + pad13(filter.fromUnixMs),
    to: filter.toUnixMs ? prefix + pad13(filter.toUnixMs) : prefix + '\uffff',
  };
}

/**
 * Raw records matching `filter`, in key order (interval start), reading only the
 * filter's time range (own usage) or the source's range (imported). `after` is
 * the last key a previous page ended on. Bounded by `limit` records returned
 * and by `maxRead` records read (a selective filter over a long range must
 * not hold a call forever); `next` says where to resume, `more` whether to.
 */
export async function scanRaw(
  store: Store,
  filter: UsageFilter,
  opts: { after?: string; limit: number; maxRead?: number },
): Promise<{ records: UsageRecord[]; next: string; more: boolean }> {
  const { coll, from, to } = rawRange(filter);
  const gte = opts.after && opts.after >= from ? undefined : from;
  const maxRead = opts.maxRead ?? opts.limit * 20;
  const records: UsageRecord[] = [];
  let next = opts.after ?? '';
  let read = 0;
  for await (const { key, value: stored } of store.scan<UsageRecord | string>(coll, {
    ...(gte !== undefined ? { gte } : { gt: opts.after }),
    lt: to,
  })) {
    next = key;
    const value = decodeUsage(stored);
    if (matches(value, filter)) records.push(value);
    if (records.length >= opts.limit || ++read >= maxRead) return { records, next, more: true };
  }
  return { records, next, more: false };
}
