import type { ScanOptions } from './types.js';

/** A string greater than every string that starts with `prefix` (in LevelDB's byte order). */
function prefixEnd(prefix: string): string | undefined {
  // Incrementing the last character, rather than appending '\uffff', also
  // covers keys holding characters outside the BMP (UTF-8 F0.. sorts after EF BF BF).
  const last = prefix.charCodeAt(prefix.length - 1);
  if (prefix && last < 0x7f) return prefix.slice(0, -1) + String.fromCharCode(last + 1);
  return prefix + '\u{10FFFF}\u{10FFFF}';
}

export function rangeOf(o: ScanOptions): Record<string, unknown> {
  const r: Record<string, unknown> = { limit: o.limit ?? -1, reverse: !!o.reverse };
  // Lower bound: the tighter of the prefix and explicit gt/gte.
  let lower: { k: string; incl: boolean } | undefined =
    o.prefix !== undefined ? { k: o.prefix, incl: true } : undefined;
  for (const c of [
    o.gt !== undefined ? { k: o.gt, incl: false } : undefined,
    o.gte !== undefined ? { k: o.gte, incl: true } : undefined,
  ]) {
    if (c && (!lower || cmp(c.k, lower.k) > 0 || (cmp(c.k, lower.k) === 0 && !c.incl))) lower = c;
  }
  let upper: { k: string; incl: boolean } | undefined;
  const pe = o.prefix !== undefined ? prefixEnd(o.prefix) : undefined;
  if (pe !== undefined) upper = { k: pe, incl: false };
  for (const c of [
    o.lt !== undefined ? { k: o.lt, incl: false } : undefined,
    o.lte !== undefined ? { k: o.lte, incl: true } : undefined,
  ]) {
    if (c && (!upper || cmp(c.k, upper.k) < 0 || (cmp(c.k, upper.k) === 0 && !c.incl))) upper = c;
  }
  if (lower) r[lower.incl ? 'gte' : 'gt'] = lower.k;
  if (upper) r[upper.incl ? 'lte' : 'lt'] = upper.k;
  return r;
}

/** Byte-wise comparison, as LevelDB orders keys. */
function cmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
