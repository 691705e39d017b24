// Property test of the usage store and QueryUsage's engine on generated
// records: every filter / group-by / granularity combination returns exactly
// what a naive reference computes from the raw records, page by page; the
// rollups (per VM, and per tenant/set/app/user group) equal the sums of their
// raw records, also after late batches land on hours already rolled up and
// when a record arrives while its hour is being recomputed.
import t, { type Test } from 'tap';
import { encodeUsage } from '../../controller/usage/codec.js';
import { packBlocks } from '../../controller/usage/blocks.js';
import { FakeClock } from '../../common/clock.js';
import { createLogger } from '../../common/logger.js';
import { put, type Op, type Store } from '../../common/store/index.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { Rng } from '../helpers/rng.js';
import {
  addMetrics,
  DAY_MS,
  dayOf,
  dimValue,
  dirtyKey,
  DIMENSIONS,
  HOUR_MS,
  hourOf,
  importedKey,
  METRIC_KEYS,
  rawKey,
  recordId,
  USAGE_DIRTY,
  USAGE_IMPORTED,
  USAGE_RAW,
  zeroMetrics,
  anyFilter,
  type Dimension,
  type UsageFilter,
  type UsageMetrics,
  type UsageRecord,
} from '../../controller/usage/model.js';
import {
  SUMMARY_LEVELS,
  USAGE_DAY,
  USAGE_DAY_SUM,
  USAGE_HOUR,
  USAGE_HOUR_SUM,
  planRollup,
  recomputeHour,
  type RollupRow,
  type SummaryRow,
} from '../../controller/usage/rollup.js';
import { UsageJobs } from '../../controller/usage/jobs.js';
import { DEFAULT_USAGE_RETENTION } from '../../controller/usage/retention.js';
import {
  decodeCursor,
  encodeCursor,
  queryUsage,
  rollupPages,
  summaryLevel,
  type QueryRow,
  type UsageQuery,
} from '../../controller/usage/query.js';
import type { Granularity } from '../../common/model/enums.js';

const BASE = Date.UTC(2026, 2, 1);
const log = createLogger('test', { level: 'silent' });
const HOSTS = ['HOSTA', 'HOSTB', 'HOSTC'];
const SOURCE = 'peer-1';

interface Vm {
  vmId: string;
  tenant: string;
  app: string;
  userGroup: string;
  setId: string;
  hostId: string;
  scheme: string;
  vmClass: string;
  sla: 'guaranteed' | 'best_effort';
}

function fleet(rng: Rng, n: number): Vm[] {
  return Array.from({ length: n }, (_, i) => ({
    vmId: `VM${String(i).padStart(3, '0')}`,
    tenant: rng.pick(['acme', 'globex']),
    app: rng.pick(['', 'web', 'db']),
    userGroup: rng.pick(['', 'ops', 'dev']),
    setId: rng.pick(['', 'SETONE', 'SETTWO']),
    hostId: rng.pick(HOSTS),
    scheme: rng.pick(['qemu', 'process']),
    vmClass: rng.pick(['small', 'large']),
    sla: rng.pick(['guaranteed', 'best_effort'] as const),
  }));
}

/** Integer counters: sums are exact whatever order they are added in. */
function record(rng: Rng, vm: Vm, start: number, source = ''): UsageRecord {
  const m: UsageMetrics = zeroMetrics();
  for (const k of METRIC_KEYS) m[k] = rng.int(1000);
  m.records = 1;
  const hostId = rng.chance(0.1) ? rng.pick(HOSTS) : vm.hostId; // now and then a VM moved
  const r = { ...vm, hostId, vmName: vm.vmId.toLowerCase(), vcpus: 1, memoryMib: 512, ...m, startUnixMs: start };
  return { ...r, endUnixMs: start + 60_000, id: recordId(r), sources: { cpu: 'cgroup' }, source };
}

function generate(rng: Rng, vms: Vm[], n: number, spanMs: number, source = ''): UsageRecord[] {
  const out = new Map<string, UsageRecord>();
  for (let i = 0; i < n; i++) {
    const start = BASE + rng.int(spanMs / 60_000) * 60_000;
    const r = record(rng, rng.pick(vms), start, source);
    out.set(rawKey(r), r);
  }
  return [...out.values()];
}

/** The write that stored each record (its block, or itself alone): a re-sent one is that write again. */
const blocksOf = new WeakMap<Store, Map<string, Op>>();
let seq = 0;

/** What ingest does (the meter's contract): raw records and their hours' dirty marks in one batch. */
async function ingest(store: Store, recs: UsageRecord[]): Promise<void> {
  const ops: Op[] = [];
  // Every stored form, mixed: blocks of lines (blocks.ts, what ingest writes now), a line alone
  // (codec.ts, before blocks) and the JSON object written before lines.
  const batch: UsageRecord[] = [];
  const blockOf = blocksOf.get(store) ?? new Map<string, Op>();
  blocksOf.set(store, blockOf);
  const flush = () => {
    if (!batch.length) return;
    const host = batch[0]!.hostId;
    const blocks = packBlocks(
      host,
      ++seq,
      batch.map((r) => r.startUnixMs),
      batch.map(encodeUsage),
    );
    for (const b of blocks) ops.push(put(USAGE_RAW, b.key, b.value));
    // Which block holds a record: the one of its hour (each block holds one hour's).
    for (const r of batch)
      blockOf.set(
        rawKey(r),
        ops[ops.length - blocks.length + blocks.findIndex((b) => b.value.includes(encodeUsage(r)))]!,
      );
    batch.length = 0;
  };
  recs.forEach((r, i) => {
    if (r.source) ops.push(put(USAGE_IMPORTED, importedKey(r.source, r), i % 2 ? r : encodeUsage(r)));
    else {
      ops.push(put(USAGE_DIRTY, dirtyKey(hourOf(r.startUnixMs)), 1));
      const again = blockOf.get(rawKey(r));
      if (again)
        ops.push(again); // re-sent: its batch (or itself) again, same key, an overwrite
      else if (i % 3 === 2) {
        const alone = put(USAGE_RAW, rawKey(r), i % 2 ? r : encodeUsage(r));
        blockOf.set(rawKey(r), alone);
        ops.push(alone);
      } else {
        if (batch.length && (batch[0]!.hostId !== r.hostId || batch.length >= 9)) flush();
        batch.push(r);
      }
    }
  });
  flush();
  await store.batch(ops);
}

const canon = (x: unknown) => JSON.stringify(x);
const metricsOf = (r: UsageMetrics) => Object.fromEntries(METRIC_KEYS.map((k) => [k, r[k]]));

/** The naive reference: every record of the truth, filtered and summed by a plain loop. */
function reference(truth: UsageRecord[], q: UsageQuery): string[] {
  const f = q.filter;
  const per = q.granularity === 'hour' ? HOUR_MS : q.granularity === 'day' ? DAY_MS : 0;
  const keys = ['tenant', 'app', 'userGroup', 'setId', 'vmId', 'hostId'] as const;
  const dimsOk = (r: UsageRecord) => keys.every((k) => !f[k] || r[k] === f[k]) && r.source === f.source;
  const groups = new Map<string, { start: number; dims: string[]; m: UsageMetrics }>();
  for (const r of truth) {
    if (!dimsOk(r)) continue;
    const p = per ? r.startUnixMs - (r.startUnixMs % per) : r.startUnixMs;
    if (p < f.fromUnixMs || (f.toUnixMs && p >= f.toUnixMs)) continue;
    if (q.granularity === 'raw' && !q.groupBy.length) {
      groups.set(r.id, { start: p, dims: [r.id], m: addMetrics(zeroMetrics(), r) });
      continue;
    }
    const by: Dimension[] = q.groupBy.length ? q.groupBy : ['vm', 'host'];
    const dims = by.map((d) => dimValue(r, d));
    const key = canon([p, dims]);
    const g = groups.get(key) ?? { start: p, dims, m: zeroMetrics() };
    addMetrics(g.m, r);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => canon([g.start, g.dims, metricsOf(g.m)])).sort();
}

function asRef(row: QueryRow, q: UsageQuery): string {
  if (q.granularity === 'raw' && !q.groupBy.length) return canon([row.startUnixMs, [row.id], metricsOf(row)]);
  const by: Dimension[] = q.groupBy.length ? q.groupBy : ['vm', 'host'];
  return canon([row.startUnixMs, by.map((d) => dimValue(row as RollupRow, d)), metricsOf(row)]);
}

/** Every page of a query (tokens through their wire form), small pages and small read budgets included. */
async function allPages(store: Store, q: UsageQuery, maxRead: number): Promise<QueryRow[]> {
  const rows: QueryRow[] = [];
  let tok = '';
  for (let pages = 0; ; pages++) {
    if (pages > 100_000) throw new Error('query does not end');
    const { rows: page, next } = await queryUsage(store, q, decodeCursor(q, tok), maxRead);
    if (page.length > q.pageSize) throw new Error('page larger than its size');
    rows.push(...page);
    tok = encodeCursor(q, next);
    if (!tok) return rows;
  }
}

function randomQuery(rng: Rng, vms: Vm[], imported: boolean): UsageQuery {
  const vm = rng.pick(vms);
  const f: UsageFilter = anyFilter();
  if (rng.chance(0.3)) f.tenant = rng.pick([vm.tenant, 'nobody']);
  if (rng.chance(0.3)) f.app = vm.app || 'web';
  if (rng.chance(0.3)) f.userGroup = vm.userGroup || 'ops';
  if (rng.chance(0.2)) f.setId = vm.setId || 'SETONE';
  if (rng.chance(0.15)) f.vmId = vm.vmId;
  if (rng.chance(0.2)) f.hostId = rng.pick(HOSTS);
  if (rng.chance(0.5)) {
    const a = BASE + rng.int(3 * DAY_MS);
    const b = BASE + rng.int(3 * DAY_MS);
    // Aligned to hours or not at all, both.
    const align = (x: number) => (rng.chance(0.5) ? hourOf(x) : x);
    f.fromUnixMs = align(Math.min(a, b));
    f.toUnixMs = rng.chance(0.8) ? Math.max(align(Math.max(a, b)), f.fromUnixMs + 1) : 0;
  }
  if (imported) f.source = SOURCE;
  const groupBy: Dimension[] = [];
  // Now and then only summary dimensions (the per tenant/set/app/user-group sums answer those).
  const dims = rng.chance(0.5) ? (['tenant', 'set', 'app', 'user_group'] as const) : DIMENSIONS;
  for (let i = rng.int(4); i > 0; i--) {
    const d = rng.pick(dims);
    if (!groupBy.includes(d)) groupBy.push(d);
  }
  return {
    filter: f,
    granularity: rng.pick(['raw', 'hour', 'day'] as Granularity[]),
    groupBy,
    pageSize: rng.pick([4, 17, 1000]),
  };
}

/** Rollups hold exactly the sums of the raw records, per VM+host and per summary level. */
async function checkRollups(t: Test, store: Store, truth: UsageRecord[]): Promise<void> {
  for (const [coll, sumColl, per] of [
    [USAGE_HOUR, USAGE_HOUR_SUM, HOUR_MS],
    [USAGE_DAY, USAGE_DAY_SUM, DAY_MS],
  ] as const) {
    const want = new Map<string, UsageMetrics>();
    const wantSum = new Map<string, UsageMetrics>();
    for (const r of truth) {
      const p = per === HOUR_MS ? hourOf(r.startUnixMs) : dayOf(r.startUnixMs);
      const k = canon([p, r.vmId, r.hostId]);
      want.set(k, addMetrics(want.get(k) ?? zeroMetrics(), r));
      for (const level of SUMMARY_LEVELS) {
        const v = level === 'tenant' ? r.tenant : dimValue(r, level === 'set' ? 'set' : level);
        const sk = canon([p, level, r.tenant, v]);
        wantSum.set(sk, addMetrics(wantSum.get(sk) ?? zeroMetrics(), r));
      }
    }
    const have = new Map<string, UsageMetrics>();
    let spans = 0;
    for await (const { value } of store.scan<RollupRow>(coll)) {
      have.set(canon([value.startUnixMs, value.vmId, value.hostId]), value);
      if (value.endUnixMs - value.startUnixMs !== per) spans++;
    }
    t.equal(spans, 0, `${coll}: every row spans its period`);
    const haveSum = new Map<string, UsageMetrics>();
    for await (const { value } of store.scan<SummaryRow>(sumColl))
      haveSum.set(canon([value.startUnixMs, value.level, value.tenant, value.value]), value);
    const flat = (m: Map<string, UsageMetrics>) => [...m].map(([k, v]) => canon([k, metricsOf(v)])).sort();
    t.same(flat(have), flat(want), `${coll}: every row is the sum of its raw records`);
    t.same(flat(haveSum), flat(wantSum), `${sumColl}: every sum is the sum of its raw records`);
  }
}

t.test('planRollup: recomputes what raw still holds, oldest first; drops marks past raw retention', async (t) => {
  const now = BASE + 10 * DAY_MS;
  const old = now - 8 * DAY_MS;
  const recent = now - 2 * HOUR_MS;
  const plan = planRollup([recent, old, recent, now - HOUR_MS], now, 7 * DAY_MS);
  t.same(plan.recompute, [recent, now - HOUR_MS]);
  t.same(plan.expired, [old]);
});

t.test('rollups and queries match a naive reference, late batches included', async (t) => {
  const seed = Number(process.env.USAGE_SEED ?? 20261206);
  const rng = new Rng(seed);
  const store = new MemoryStore();
  const clock = new FakeClock(BASE + 4 * DAY_MS);
  const jobs = new UsageJobs(store, clock, log, DEFAULT_USAGE_RETENTION);
  const vms = fleet(rng, 14);
  const first = generate(rng, vms, 1500, 3 * DAY_MS);
  await ingest(store, first);
  const imported = generate(rng, vms, 400, 3 * DAY_MS, SOURCE);
  await ingest(store, imported);
  const r1 = await jobs.run();
  t.ok(r1.recomputed > 0 && !r1.left, `first run rolled up ${r1.recomputed} hours`);
  let dirty = 0;
  for await (const _ of store.scan(USAGE_DIRTY)) dirty++;
  t.equal(dirty, 0, 'every mark cleared');

  // Late batches on hours already rolled up: new intervals, and re-sent ones (same key: an overwrite, not an addition).
  // New intervals (an agent never measures one twice: a re-sent one is its batch again).
  const late = generate(rng, vms, 300, 3 * DAY_MS).filter((r) => !first.some((x) => rawKey(x) === rawKey(r)));
  const resent = first.filter(() => rng.chance(0.1));
  await ingest(store, [...late, ...resent]);
  const truth = new Map<string, UsageRecord>();
  for (const r of [...first, ...late, ...resent]) truth.set(rawKey(r), r);
  const own = [...truth.values()];
  const r2 = await jobs.run();
  t.ok(r2.recomputed > 0, `late batches re-rolled ${r2.recomputed} hours`);
  await checkRollups(t, store, own);

  const all = [...own, ...imported];
  let checked = 0;
  let summarized = 0;
  for (let i = 0; i < 300; i++) {
    const q = randomQuery(rng, vms, rng.chance(0.25));
    if (summaryLevel(q)) summarized++;
    const maxRead = rng.pick([9, 200, 50_000]);
    const rows = await allPages(store, q, maxRead);
    const got = rows.map((r) => asRef(r, q)).sort();
    const want = reference(all, q);
    if (canon(got) !== canon(want)) {
      t.fail(`seed ${seed} query ${i}: ${canon(q)} maxRead ${maxRead}: ${got.length} rows, want ${want.length}`);
      return;
    }
    checked += want.length;
  }
  t.pass(`300 queries returned exactly the reference (${checked} rows in all)`);
  t.ok(checked > 1000, 'the queries were not all empty');
  t.ok(summarized > 10, `${summarized} of them were answered from the summaries`);
  // What an export of rollups streams: every per-VM row, in pages.
  for (const granularity of ['hour', 'day'] as const) {
    const q: UsageQuery = { filter: anyFilter(), granularity, groupBy: [], pageSize: 50 };
    const rows: QueryRow[] = [];
    for await (const page of rollupPages(store, q.filter, granularity, 50)) rows.push(...page);
    t.same(rows.map((r) => asRef(r, q)).sort(), reference(all, q), `rollupPages (${granularity}): every per-VM row`);
  }
});

t.test('a record written while its hour is recomputed is not lost (the mark is re-checked)', async (t) => {
  const rng = new Rng(7);
  const vms = fleet(rng, 3);
  const base = new MemoryStore();
  const hour = BASE;
  const first = [record(rng, vms[0]!, hour), record(rng, vms[1]!, hour + 60_000)];
  await ingest(base, first);
  const lateRec = record(rng, vms[2]!, hour + 120_000);
  // The late record lands right after the recompute has read the hour's raw records.
  let injected = false;
  const racing: Store = Object.create(base) as Store;
  racing.scan = function <T>(coll: string, o?: object) {
    const it = base.scan<T>(coll, o);
    if (coll !== USAGE_RAW || injected) return it;
    return (async function* () {
      yield* it;
      injected = true;
      await ingest(base, [lateRec]);
    })();
  };
  await t.rejects(recomputeHour(racing, hour), { code: 'ABORTED' }, 'the batch is refused: the mark moved');
  t.ok(injected);
  const jobs = new UsageJobs(base, new FakeClock(BASE + HOUR_MS), log, DEFAULT_USAGE_RETENTION);
  await jobs.run();
  await checkRollups(t, base, [...first, lateRec]);
  t.equal((await base.get(USAGE_DIRTY, dirtyKey(hour))) ?? undefined, undefined, 'mark cleared once the hour is whole');
});

t.test('page tokens: issued for one query, refused for another or when forged', async (t) => {
  const q: UsageQuery = { filter: anyFilter(), granularity: 'hour', groupBy: [], pageSize: 10 };
  const tok = encodeCursor(q, { k: 'x' });
  t.same(decodeCursor(q, tok), { k: 'x', p: undefined, s: undefined });
  t.throws(() => decodeCursor({ ...q, groupBy: ['app'] }, tok), { code: 'INVALID_ARGUMENT', field: 'page_token' });
  t.throws(() => decodeCursor(q, 'garbage!'), { code: 'INVALID_ARGUMENT', field: 'page_token' });
  t.throws(() => decodeCursor({ ...q, filter: { ...q.filter, tenant: 'other' } }, tok), {
    code: 'INVALID_ARGUMENT',
    field: 'page_token',
  });
});

t.test('an hour whose records keep arriving stays dirty; the run still rolls up the others', async (t) => {
  const rng = new Rng(11);
  const vms = fleet(rng, 2);
  const base = new MemoryStore();
  const busy = BASE + 5 * HOUR_MS;
  const recs = [record(rng, vms[0]!, BASE), record(rng, vms[1]!, BASE + HOUR_MS), record(rng, vms[0]!, busy)];
  await ingest(base, recs);
  // Every read of the busy hour's raw records races a new record of it.
  let n = 0;
  const racing: Store = Object.create(base) as Store;
  racing.scan = function <T>(coll: string, o?: { gte?: string }) {
    const it = base.scan<T>(coll, o);
    if (coll !== USAGE_RAW || o?.gte !== dirtyKey(busy)) return it;
    return (async function* () {
      yield* it;
      await ingest(base, [record(rng, vms[1]!, busy + ++n * 60_000)]);
    })();
  };
  const jobs = new UsageJobs(racing, new FakeClock(busy + 10 * 60_000), log, DEFAULT_USAGE_RETENTION);
  const r = await jobs.run();
  t.match(r, { recomputed: 2, left: true }, 'two quiet hours done, the busy one left');
  t.ok(await base.get(USAGE_DIRTY, dirtyKey(busy)), 'the busy hour is still marked');
  t.equal(await base.get(USAGE_DIRTY, dirtyKey(BASE)), undefined);
});
