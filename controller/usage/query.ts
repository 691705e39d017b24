// QueryUsage's engine: filtered, grouped, paged reads of raw records (own or
// imported) and of the per-VM rollups, each page bounded by the records it
// reads. Hour/day of imported usage are summed on the fly from its raw records.
import { createHash } from 'node:crypto';
import { InvalidArgumentError, ResourceExhaustedError } from '../../common/errors.js';
import type { Granularity } from '../../common/model/enums.js';
import type { rowToProto } from './convert.js';
import type { Store } from '../../common/store/index.js';
import { decodeStored } from './codec.js';
import { rawEntries } from './scan.js';
import {
  addMetrics,
  DAY_MS,
  dimValue,
  HOUR_MS,
  hourOf,
  matches,
  pad13,
  USAGE_IMPORTED,
  USAGE_RAW,
  type Dimension,
  type UsageDims,
  type UsageFilter,
  type UsageMetrics,
} from './model.js';
import {
  dimsOf,
  metricsOf,
  SUMMARY_LEVELS,
  USAGE_DAY,
  USAGE_DAY_SUM,
  USAGE_HOUR,
  USAGE_HOUR_SUM,
  type SummaryLevel,
} from './rollup.js';

export interface UsageQuery {
  filter: UsageFilter;
  granularity: Granularity;
  groupBy: Dimension[];
  pageSize: number;
}

/** A result row: a raw record, a per-VM rollup, or a group (only its group-by dimensions set). */
export type QueryRow = Parameters<typeof rowToProto>[0];

/**
 * Where a page resumes: after a key (one row per stored record; with `i`: past
 * the first `i` records of the block at that key, scan.ts ScanPos), or at a
 * period, past the groups already sent.
 */
export interface Cursor {
  k?: string;
  i?: number;
  p?: number;
  s?: number;
}

/** Records (or rollup rows) one page reads at most; a page that reaches it ends early with a token. */
export const MAX_READ_PER_PAGE = 50_000;
/** Items of one period read at most when grouping (a group must not be split across pages). */
export const MAX_PERIOD_READ = 500_000;

type Item = UsageDims & UsageMetrics & { startUnixMs: number; endUnixMs: number; source?: string };

interface Source {
  coll: string;
  lo: string;
  hi: string;
  keyAt(t: number): string;
  /** 0 = raw (each interval its own period). */
  periodMs: number;
  /**
   * What a grouping page reads whole: the period, but for our own raw records,
   * stored in blocks of an hour (blocks.ts), the hour, grouped by start within it.
   */
  readMs: number;
}

/**
 * The summary level that answers a query, if one does: hour/day of own usage,
 * grouped by tenant and at most one of set, app, user group (filters on the
 * same ones only). Those read one summary row per group and period instead of
 * one row per VM.
 */
export function summaryLevel(q: UsageQuery): SummaryLevel | undefined {
  const f = q.filter;
  if (q.granularity === 'raw' || f.source || f.vmId || f.hostId || !q.groupBy.length) return undefined;
  const used = new Set<string>(q.groupBy);
  if (f.setId) used.add('set');
  if (f.app) used.add('app');
  if (f.userGroup) used.add('user_group');
  used.delete('tenant');
  const [level = 'tenant', more] = used;
  return !more && (SUMMARY_LEVELS as readonly string[]).includes(level) ? (level as SummaryLevel) : undefined;
}

const COLLS = { hour: [USAGE_HOUR, USAGE_HOUR_SUM], day: [USAGE_DAY, USAGE_DAY_SUM] } as const;

function sourceOf(q: UsageQuery): Source {
  const f = q.filter;
  const level = summaryLevel(q);
  const prefix = f.source ? `${f.source}.` : level ? `${level}.` : '';
  const periodMs = q.granularity === 'hour' ? HOUR_MS : q.granularity === 'day' ? DAY_MS : 0;
  const fromRaw = q.granularity === 'raw' || !!f.source;
  const coll = f.source ? USAGE_IMPORTED : q.granularity === 'raw' ? USAGE_RAW : COLLS[q.granularity][level ? 1 : 0];
  // Summed from raw: a period is in when its start is in [from, to), so whole periods are read.
  const align = (t: number) => (fromRaw && periodMs ? Math.ceil(t / periodMs) * periodMs : t);
  const keyAt = (t: number) => prefix + pad13(t);
  // Our own raw records: a block is keyed by its first start and may hold later ones of its hour.
  const ownRaw = coll === USAGE_RAW;
  return {
    coll,
    lo: keyAt(ownRaw ? hourOf(f.fromUnixMs) : align(f.fromUnixMs)),
    hi: f.toUnixMs ? keyAt(align(f.toUnixMs)) : prefix + '\uffff',
    keyAt,
    periodMs,
    readMs: ownRaw ? HOUR_MS : periodMs,
  };
}

/** Stable across pages of one query (and scope): a token of another query is refused. */
export function queryHash(q: UsageQuery): string {
  const { filter, granularity, groupBy } = q;
  return createHash('sha256')
    .update(JSON.stringify([filter, granularity, groupBy]))
    .digest('base64url')
    .slice(0, 16);
}

export function encodeCursor(q: UsageQuery, c: Cursor | undefined): string {
  return c ? Buffer.from(JSON.stringify({ h: queryHash(q), ...c })).toString('base64url') : '';
}

export function decodeCursor(q: UsageQuery, tok: string): Cursor {
  if (!tok) return {};
  const bad = () => new InvalidArgumentError('page_token', 'is not a token this server issued for this query');
  if (tok.length > 2048) throw bad();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(tok, 'base64url').toString());
  } catch {
    throw bad();
  }
  const o = v as { h?: unknown; k?: unknown; i?: unknown; p?: unknown; s?: unknown };
  if (!o || typeof o !== 'object' || o.h !== queryHash(q)) throw bad();
  if (o.k !== undefined && typeof o.k !== 'string') throw bad();
  if (o.i !== undefined && o.k === undefined) throw bad();
  for (const n of [o.i, o.p, o.s]) if (n !== undefined && !(Number.isSafeInteger(n) && (n as number) >= 0)) throw bad();
  const c: Cursor = { k: o.k as string | undefined, p: o.p as number | undefined, s: o.s as number | undefined };
  if (o.i !== undefined) c.i = o.i as number;
  return c;
}

/** One page of rows and where the next begins (undefined: done). */
export async function queryUsage(
  store: Store,
  q: UsageQuery,
  cursor: Cursor,
  maxRead = MAX_READ_PER_PAGE,
): Promise<{ rows: QueryRow[]; next?: Cursor }> {
  const src = sourceOf(q);
  // The time range is the key range (but for our own raw records: blocks hold a whole hour); the other dimensions are checked per item.
  const ownRaw = src.coll === USAGE_RAW;
  const dims: UsageFilter = {
    ...q.filter,
    fromUnixMs: ownRaw ? q.filter.fromUnixMs : 0,
    toUnixMs: ownRaw ? q.filter.toUnixMs : 0,
    source: '',
  };
  const match = (r: Item) => matches({ ...r, source: '' }, dims);
  const streamed = !q.groupBy.length && !(q.filter.source && src.periodMs);
  const page: Page = { store, q, src, cursor, match, maxRead };
  return streamed ? streamPage(page) : groupPage(page);
}

/** What one page is read with. */
interface Page {
  store: Store;
  q: UsageQuery;
  src: Source;
  cursor: Cursor;
  match: (r: Item) => boolean;
  maxRead: number;
}

/**
 * Per-VM hour or day rows matching `filter`, page by page (what an export of
 * rollups streams: ExportSources.rows), each page one bounded queryUsage call.
 */
export async function* rollupPages(
  store: Store,
  filter: UsageFilter,
  granularity: 'hour' | 'day',
  pageSize = 1000,
): AsyncGenerator<QueryRow[]> {
  const q: UsageQuery = { filter, granularity, groupBy: [], pageSize };
  let cursor: Cursor | undefined = {};
  while (cursor) {
    const page: { rows: QueryRow[]; next?: Cursor } = await queryUsage(store, q, cursor);
    if (page.rows.length) yield page.rows;
    cursor = page.next;
  }
}

/** One row per stored item: resumes after the last key read. */
async function streamPage(page: Page): Promise<{ rows: QueryRow[]; next?: Cursor }> {
  const { store, q, src, cursor, match, maxRead } = page;
  const rows: QueryRow[] = [];
  let read = 0;
  const after = cursor.k !== undefined ? { k: cursor.k, i: cursor.i } : undefined;
  for await (const { key, items } of rawEntries(store, src.coll, { from: src.lo, to: src.hi }, { after })) {
    const skipped = after?.k === key ? (after.i ?? 0) : 0;
    for (let j = 0; j < items.length; j++) {
      const value = decodeStored(items[j]! as Item | string);
      if (match(value)) rows.push(value);
      if (rows.length >= q.pageSize || ++read >= maxRead)
        return { rows, next: j + 1 < items.length ? { k: key, i: skipped + j + 1 } : { k: key } };
    }
  }
  return { rows };
}

/**
 * Groups per period: a period is read whole (bounded by MAX_PERIOD_READ) so no
 * group is split; its groups go out in key order, and a page that fills up in
 * the middle of them resumes at that period past the ones it sent.
 */
async function groupPage(page: Page): Promise<{ rows: QueryRow[]; next?: Cursor }> {
  const { store, q, src, cursor, match, maxRead } = page;
  // No group-by (imported usage summed on the fly): one row per VM and host, with all its dimensions.
  const by: Dimension[] = q.groupBy.length ? q.groupBy : ['vm', 'host'];
  const whole = !q.groupBy.length;
  const rows: QueryRow[] = [];
  const groups = new Map<string, QueryRow>();
  let skip = cursor.s ?? 0;
  let period: number | undefined;
  let read = 0;
  let inPeriod = 0;
  /** Sends the period's groups; returns the resume point when the page filled first. */
  const flush = (): Cursor | undefined => {
    const sorted = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = skip; i < sorted.length; i++) {
      if (rows.length >= q.pageSize) return { p: period, s: i };
      rows.push(sorted[i]![1]);
    }
    groups.clear();
    skip = 0;
    return undefined;
  };
  const start = cursor.p !== undefined && src.keyAt(cursor.p) > src.lo ? src.keyAt(cursor.p) : src.lo;
  for await (const value of groupItems(store, src, start)) {
    const p = src.readMs ? value.startUnixMs - (value.startUnixMs % src.readMs) : value.startUnixMs;
    if (period !== undefined && p !== period) {
      const stop = flush();
      if (stop) return { rows, next: stop };
      if (read >= maxRead || rows.length >= q.pageSize) return { rows, next: { p, s: 0 } };
      inPeriod = 0;
    }
    period = p;
    read++;
    if (++inPeriod > MAX_PERIOD_READ)
      throw new ResourceExhaustedError('one period holds too many records to group: narrow the filter or the group-by');
    if (!match(value)) continue;
    // Raw records read by the hour: a group is one start's (and sorts by it first, as when read by start).
    const at = src.readMs !== src.periodMs ? pad13(value.startUnixMs) : '';
    const key = at + JSON.stringify(by.map((d) => dimValue(value, d)));
    const g = groups.get(key);
    if (g) {
      addMetrics(g, value);
      g.endUnixMs = Math.max(g.endUnixMs, value.endUnixMs);
      continue;
    }
    const end = src.periodMs ? p + src.periodMs : value.endUnixMs;
    groups.set(key, {
      ...(whole ? dimsOf(value) : groupDims(value, by)),
      ...metricsOf(value),
      startUnixMs: at ? value.startUnixMs : p,
      endUnixMs: end,
    });
  }
  const stop = period !== undefined ? flush() : undefined;
  return stop ? { rows, next: stop } : { rows };
}

/** The items of a grouping read from `start`, decoded (raw blocks open into their records). */
async function* groupItems(store: Store, src: Source, start: string): AsyncGenerator<Item> {
  for await (const { items } of rawEntries(store, src.coll, { from: start, to: src.hi }, { keys: false }))
    for (const it of items) yield decodeStored(it as Item | string);
}

const FIELD: Record<Dimension, keyof UsageDims> = {
  tenant: 'tenant',
  app: 'app',
  user_group: 'userGroup',
  set: 'setId',
  vm: 'vmId',
  host: 'hostId',
  scheme: 'scheme',
  class: 'vmClass',
  sla: 'sla',
};

function groupDims(r: UsageDims, by: Dimension[]): Partial<UsageDims> {
  const out: Record<string, unknown> = {};
  for (const d of by) out[FIELD[d]] = r[FIELD[d]];
  return out as Partial<UsageDims>;
}
