// Usage retention: the --usage-retention flag, chunked pruning of every level
// (imported usage too), and the rollup job leaving hours
// whose raw is gone as they are (their marks dropped, nothing recomputed).
import t from 'tap';
import { FakeClock, realClock } from '../../common/clock.js';
import { waitFor } from '../helpers/wait.js';
import { createLogger } from '../../common/logger.js';
import { put, type Op } from '../../common/store/index.js';
import { MemoryStore } from '../helpers/memory-store.js';
import {
  DAY_MS,
  dirtyKey,
  HOUR_MS,
  hourOf,
  pad13,
  USAGE_DIRTY,
  USAGE_IMPORTED,
  USAGE_RAW,
} from '../../controller/usage/model.js';
import { USAGE_SOURCES } from '../../controller/usage/import.js';
import { DEFAULT_USAGE_RETENTION, parseUsageRetention, pruneUsage } from '../../controller/usage/retention.js';
import { USAGE_DAY, USAGE_DAY_SUM, USAGE_HOUR, USAGE_HOUR_SUM } from '../../controller/usage/rollup.js';
import { UsageJobs } from '../../controller/usage/jobs.js';

const NOW = Date.UTC(2026, 5, 1);

t.test('--usage-retention: levels, units, defaults, and refusals naming the flag', async (t) => {
  t.same(parseUsageRetention(''), DEFAULT_USAGE_RETENTION);
  t.same(parseUsageRetention('raw=7d,hour=90d,day=2y'), {
    rawMs: 7 * DAY_MS,
    hourMs: 90 * DAY_MS,
    dayMs: 730 * DAY_MS,
  });
  t.same(parseUsageRetention('raw=36h'), { ...DEFAULT_USAGE_RETENTION, rawMs: 36 * HOUR_MS });
  t.same(parseUsageRetention('hour=2w'), { ...DEFAULT_USAGE_RETENTION, hourMs: 14 * DAY_MS });
  for (const [bad, field] of [
    ['raw=7x', '--usage-retention'],
    ['minute=1d', '--usage-retention'],
    ['raw=0h', '--usage-retention raw'],
    ['raw=100d', '--usage-retention hour'],
    ['hour=3y', '--usage-retention day'],
  ])
    t.throws(() => parseUsageRetention(bad), { code: 'INVALID_ARGUMENT', field }, bad);
});

t.test('pruneUsage deletes each level past its age, in chunks, and keeps the rest', async (t) => {
  const store = new MemoryStore();
  const r = parseUsageRetention('raw=1d,hour=3d,day=10d');
  const ops: Op[] = [];
  // 2,500 raw records over the last two days: the older half goes.
  for (let i = 0; i < 2500; i++) ops.push(put(USAGE_RAW, `${pad13(NOW - 2 * DAY_MS + i * 60_000)}.H.V`, {}));
  for (let d = 0; d < 5; d++) {
    ops.push(
      put(USAGE_HOUR, `${pad13(NOW - d * DAY_MS)}.V.H`, {}),
      put(USAGE_HOUR_SUM, `app.${pad13(NOW - d * DAY_MS)}.t.a`, {}),
    );
    ops.push(
      put(USAGE_DAY, `${pad13(NOW - d * 4 * DAY_MS)}.V.H`, {}),
      put(USAGE_DAY_SUM, `tenant.${pad13(NOW - d * 4 * DAY_MS)}.t.t`, {}),
    );
  }
  await store.batch(ops);
  const writes = store.writes;
  const { deleted, more } = await pruneUsage(store, r, NOW);
  t.notOk(more);
  const keys = async (coll: string) => {
    const out: string[] = [];
    for await (const { key } of store.scan(coll)) out.push(key);
    return out;
  };
  const raw = await keys(USAGE_RAW);
  t.equal(raw.length, 2500 - DAY_MS / 60_000, 'raw of the last day kept');
  t.ok(raw.every((k) => Number(k.slice(0, 13)) >= NOW - DAY_MS));
  t.equal((await keys(USAGE_HOUR)).length, 4, 'hours of the last 3 days kept');
  t.equal((await keys(USAGE_HOUR_SUM)).length, 4);
  t.equal((await keys(USAGE_DAY)).length, 3, 'days of the last 10 days kept');
  t.equal((await keys(USAGE_DAY_SUM)).length, 3);
  t.equal(deleted, 2500 - raw.length + 2 * 1 + 2 * 2, 'raw, hour and day (and their sums) past their ages');
  t.ok(store.writes - writes >= 2, 'deleted in chunks, not one batch');
  t.same(await pruneUsage(store, r, NOW), { deleted: 0, more: false }, 'a second run finds nothing');
});

t.test('imported usage is kept as long as day rollups, per source, nothing younger goes', async (t) => {
  const store = new MemoryStore();
  const r = parseUsageRetention('raw=1d,hour=3d,day=10d');
  const ops: Op[] = [put(USAGE_SOURCES, 'src-a', {}), put(USAGE_SOURCES, 'src-b', {})];
  for (const src of ['src-a', 'src-b'])
    for (const age of [1, 9, 11, 20]) ops.push(put(USAGE_IMPORTED, `${src}.${pad13(NOW - age * DAY_MS)}.H.V.1`, {}));
  await store.batch(ops);
  const { deleted } = await pruneUsage(store, r, NOW);
  t.equal(deleted, 4, 'the 11- and 20-day-old records of both sources');
  const left: string[] = [];
  for await (const { key } of store.scan(USAGE_IMPORTED)) left.push(key);
  t.same(
    left.map((k) => [k.slice(0, 5), Number(k.slice(6, 19))]),
    ['src-a', 'src-a', 'src-b', 'src-b'].map((s, i) => [s, NOW - (i % 2 ? 1 : 9) * DAY_MS]).sort(),
  );
});

t.test('a budget-limited prune reports more and the next run continues', async (t) => {
  const store = new MemoryStore();
  const ops: Op[] = [];
  for (let i = 0; i < 3000; i++) ops.push(put(USAGE_RAW, `${pad13(NOW - 30 * DAY_MS + i)}.H.V`, {}));
  await store.batch(ops);
  const first = await pruneUsage(store, DEFAULT_USAGE_RETENTION, NOW, 0);
  t.same(first, { deleted: 1000, more: true }, 'one chunk, then out of budget');
  const rest = await pruneUsage(store, DEFAULT_USAGE_RETENTION, NOW);
  t.same(rest, { deleted: 2000, more: false });
});

t.test('the job drops marks of hours past raw retention without recomputing them', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(NOW);
  const old = NOW - 8 * DAY_MS;
  const kept = { vmId: 'V', hostId: 'H', startUnixMs: old, cpuSeconds: 42 };
  await store.batch([put(USAGE_HOUR, `${pad13(old)}.V.H`, kept), put(USAGE_DIRTY, dirtyKey(old), 1)]);
  const jobs = new UsageJobs(store, clock, createLogger('test', { level: 'silent' }), DEFAULT_USAGE_RETENTION);
  const r = await jobs.run();
  t.match(r, { recomputed: 0, expired: 1 });
  t.equal(await store.get(USAGE_DIRTY, dirtyKey(old)), undefined, 'mark dropped');
  t.same((await store.get(USAGE_HOUR, `${pad13(old)}.V.H`))?.value, kept, 'its rollup left as it was');
});

t.test('the job runs on its node-cron schedule, not only at start', async (t) => {
  const store = new MemoryStore();
  const hour = hourOf(Date.now());
  const jobs = new UsageJobs(
    store,
    realClock,
    createLogger('test', { level: 'silent' }),
    DEFAULT_USAGE_RETENTION,
    '* * * * * *',
  );
  jobs.start();
  t.teardown(() => jobs.stop());
  await waitFor(async () => (await jobs.run()).recomputed === 0, { message: 'the start-up run is done' });
  // Written after the start-up run: only a scheduled run (each second here) rolls it up.
  await store.batch([
    put(USAGE_RAW, `${pad13(hour)}.H.V`, { vmId: 'V', hostId: 'H', startUnixMs: hour, cpuSeconds: 5, records: 1 }),
    put(USAGE_DIRTY, dirtyKey(hour), 1),
  ]);
  await waitFor(async () => (await store.get(USAGE_DIRTY, dirtyKey(hour))) === undefined, {
    message: 'a scheduled run cleared the mark',
  });
  t.match((await store.get(USAGE_HOUR, `${pad13(hour)}.V.H`))?.value, { cpuSeconds: 5, records: 1 });
});
