// Per-VM continuity of a host's usage: the spans of time its stored intervals
// cover. The agent's meter makes a VM's intervals contiguous (each starts where
// the one before ended, and one after downtime spans the downtime:
// agent/usage/meter.ts), and a batch is stored once by (host, seq); but the same
// interval resent under a NEW seq (a hostile agent, or one whose outbox was
// copied) would be stored and billed twice. So a record that overlaps time its
// VM's stored records from that host cover is dropped; any other extends the
// spans (history delivered late lands, in any order). The spans are kept
// durably (one small record per host, written in the batch that stores the
// records), so a controller restart does not reopen the door.
import { put, type Op, type Store } from '../../common/store/index.js';

export const USAGE_SPANS = 'usage-spans';

/** Time a host's stored records of a VM cover: [first, last) in ms. */
export interface Span {
  first: number;
  last: number;
}

/** A VM's spans: disjoint, not touching, oldest first. The meter's records keep it at one. */
export type Spans = readonly Span[];

/** Spans per VM at most: past it the two closest are joined (the gap between them then counts as covered). */
export const MAX_SPANS_PER_VM = 64;
/** VMs remembered per host at most (those whose time ended longest ago go first). */
export const MAX_VMS_PER_HOST = 10_000;
/**
 * Spans beyond one a VM, per host at most: an honest meter leaves none, and a
 * hostile agent splitting its VMs' time into 64 pieces each must not make the
 * record it rewrites with every batch megabytes long.
 */
export const MAX_EXTRA_SPANS_PER_HOST = 4_096;

/**
 * Stored per host as one string: `E1` then `;last:item,item,…` per distinct
 * newest end, an item being `vm.first` for one span (`vm.f0.l0.f1.l1.….fN`
 * for more), numbers in base 36. The meter ends a tick's intervals together,
 * so a host's VMs share a few ends: about 36 bytes a VM, and no object to
 * build per batch (stored as a JSON object it cost the ingest bench ~17 % more
 * controller CPU; as this string the check costs ~10-15 %, mostly the bytes).
 */
const E1 = 'E1';

export function encodeSpans(spans: ReadonlyMap<string, Spans>): string {
  const byLast = new Map<number, string>();
  for (const [vm, list] of spans) {
    const last = list[list.length - 1]!.last;
    let item = vm;
    for (const s of list)
      item +=
        s === list[list.length - 1] ? `.${s.first.toString(36)}` : `.${s.first.toString(36)}.${s.last.toString(36)}`;
    const g = byLast.get(last);
    byLast.set(last, g === undefined ? item : `${g},${item}`);
  }
  let out = E1;
  for (const [last, items] of byLast) out += `;${last.toString(36)}:${items}`;
  return out;
}

const time = (s: string | undefined) => (s !== undefined && /^[0-9a-z]{1,11}$/.test(s) ? parseInt(s, 36) : NaN);

/** The spans a stored value holds; what does not parse or is out of order (a damaged or foreign value) is left out. */
export function decodeSpans(v: unknown): Map<string, Spans> {
  const out = new Map<string, Spans>();
  if (typeof v !== 'string' || !v.startsWith(E1)) return out;
  for (const group of v.slice(E1.length + 1).split(';')) {
    const colon = group.indexOf(':');
    const last = time(group.slice(0, colon));
    if (colon < 1 || !Number.isSafeInteger(last)) continue;
    for (const item of group.slice(colon + 1).split(',')) {
      const [vm, ...nums] = item.split('.');
      const ts = [...nums.map(time), last];
      if (!vm || ts.length % 2 !== 0 || ts.length / 2 > MAX_SPANS_PER_VM) continue;
      const list: Span[] = [];
      for (let i = 0; i < ts.length; i += 2) list.push({ first: ts[i]!, last: ts[i + 1]! });
      // Each span in order and apart from the one before: else the record is not ours.
      if (ts.every((x, i) => Number.isSafeInteger(x) && (i === 0 || x >= ts[i - 1]! + (i % 2 === 0 ? 1 : 0))))
        out.set(vm, list);
    }
  }
  return out;
}

/** One host's spans as judged: the records that cover new time, and the spans after them. */
export interface Continuity<R> {
  kept: R[];
  overlapping: number;
  next: Map<string, Spans>;
}

/** The VM's spans with [start, end) added, or undefined when it overlaps them. */
export function addSpan(list: Spans | undefined, start: number, end: number): Spans | undefined {
  if (!list?.length) return [{ first: start, last: end }];
  const top = list[list.length - 1]!;
  // The meter's case: the next interval starts where the newest ended.
  if (start === top.last) return [...list.slice(0, -1), { first: top.first, last: end }];
  for (const s of list) if (start < s.last && end > s.first) return undefined;
  const all = [...list, { first: start, last: end }].sort((a, b) => a.first - b.first);
  const out: Span[] = [];
  for (const s of all) {
    const prev = out[out.length - 1];
    if (prev && s.first <= prev.last) out[out.length - 1] = { first: prev.first, last: Math.max(prev.last, s.last) };
    else out.push(s);
  }
  while (out.length > MAX_SPANS_PER_VM) joinClosest(out);
  return out;
}

/** Joins the two spans with the smallest gap between them (in place; the gap then counts as covered). */
function joinClosest(out: Span[]): void {
  let at = 0;
  for (let i = 1; i < out.length - 1; i++)
    if (out[i + 1]!.first - out[i]!.last < out[at + 1]!.first - out[at]!.last) at = i;
  out.splice(at, 2, { first: out[at]!.first, last: out[at + 1]!.last });
}

/**
 * Which records cover time their VM's stored records do not (pure). In the
 * batch's order, each judged against the spans as the ones before it left
 * them. Past `max` VMs those whose time ended longest ago are forgotten;
 * past `maxExtra` spans beyond one a VM, the closest are joined.
 */
export function judgeContinuity<R extends { vmId: string; startUnixMs: number; endUnixMs: number }>(
  spans: ReadonlyMap<string, Spans>,
  records: readonly R[],
  max = MAX_VMS_PER_HOST,
  maxExtra = MAX_EXTRA_SPANS_PER_HOST,
): Continuity<R> {
  const next = new Map(spans);
  const kept: R[] = [];
  const split = new Set<string>();
  let overlapping = 0;
  for (const r of records) {
    const list = addSpan(next.get(r.vmId), r.startUnixMs, r.endUnixMs);
    if (!list) {
      overlapping++;
      continue;
    }
    next.set(r.vmId, list);
    if (list.length > 1) split.add(r.vmId);
    kept.push(r);
  }
  // Past the host's budget of extra spans, those of the VMs this batch split are joined first.
  if (split.size) {
    let extra = 0;
    for (const l of next.values()) extra += l.length - 1;
    for (const vm of split) {
      if (extra <= maxExtra) break;
      const l = [...next.get(vm)!];
      for (; l.length > 1 && extra > maxExtra; extra--) joinClosest(l);
      next.set(vm, l);
    }
  }
  if (next.size > max) {
    const newest = (l: Spans) => l[l.length - 1]!.last;
    const oldest = [...next].sort((a, b) => newest(a[1]) - newest(b[1])).slice(0, next.size - max);
    for (const [vm] of oldest) next.delete(vm);
  }
  return { kept, overlapping, next };
}

/**
 * The hosts' spans, read once per host and kept in step with what this
 * controller writes. The caller stores `write()`'s op in the batch with the
 * records, then calls `committed()`; on a failed or conflicting batch it calls
 * `forget()`, and the next batch reads the record again.
 */
export class UsageSpans {
  private readonly hosts = new Map<string, Map<string, Spans>>();

  constructor(private readonly store: Store) {}

  async get(hostId: string): Promise<ReadonlyMap<string, Spans>> {
    let m = this.hosts.get(hostId);
    if (!m) {
      m = decodeSpans((await this.store.get<unknown>(USAGE_SPANS, hostId))?.value);
      this.hosts.set(hostId, m);
    }
    return m;
  }

  write(hostId: string, next: ReadonlyMap<string, Spans>): Op {
    return put(USAGE_SPANS, hostId, encodeSpans(next));
  }

  committed(hostId: string, next: Map<string, Spans>): void {
    this.hosts.set(hostId, next);
  }

  forget(hostId: string): void {
    this.hosts.delete(hostId);
  }
}
