// The usage meter's pieces with fake inputs: counter deltas (resets), the RSS
// trapezoid, intervals from baselines, the meter's writes, the bounded outbox,
// and the controller's batch check.
import t from 'tap';
import { join } from 'node:path';
import { Outbox } from '../../agent/outbox.js';
import { carryUnread, counterDelta, intervalOf, trapezoid, type Baseline } from '../../agent/usage/sample.js';
import { UsageMeter, parseUsageInterval, type MeteredVm } from '../../agent/usage/meter.js';
import { zeroStats, type VmStats } from '../../agent/drivers/driver.js';
import { LevelStore } from '../../common/store/index.js';
import { realClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { checkUsageBatch, hoursOf, RecordBudget } from '../../controller/usage/ingest.js';
import { HOUR_MS } from '../../controller/usage/model.js';
import { tmpDir } from '../helpers/tmp.js';

const stats = (o: Partial<VmStats> = {}): VmStats => ({ ...zeroStats(), ...o });
const T0 = 1_800_000_000_000;

t.test('counter deltas never go negative: a counter that went down started over', async (t) => {
  t.equal(counterDelta(10, 25, false), 15);
  t.equal(counterDelta(25, 7, false), 7, 'reset: all of the new count is new');
  t.equal(counterDelta(25, 30, true), 30, 'a new process: everything counts');
  t.equal(counterDelta(5, NaN, false), 0, 'garbage reads as nothing');
  t.equal(counterDelta(5, -3, false), 0);
});

t.test('memory: the trapezoid of the RSS at both ends times the seconds run', async (t) => {
  t.equal(trapezoid(100, 300, 10), 2000);
  t.equal(trapezoid(100, 100, 0), 0);
  t.equal(trapezoid(-5, 100, 2), 100, 'a bad sample counts as 0');
});

t.test('intervals: continuous from the baseline, resets, first sight', async (t) => {
  const base: Baseline = {
    atUnixMs: T0,
    pid: 7,
    stats: stats({ cpuSeconds: 10, memoryBytes: 100, diskWriteBytes: 1000, netRxBytes: 50, uptimeSeconds: 100 }),
  };
  const next: Baseline = {
    atUnixMs: T0 + 60_000,
    pid: 7,
    stats: stats({ cpuSeconds: 40, memoryBytes: 300, diskWriteBytes: 1500, netRxBytes: 20, uptimeSeconds: 160 }),
  };
  const i = intervalOf('vm', base, next, 3, { cpu: 'proc' });
  t.match(i, {
    startUnixMs: T0,
    endUnixMs: T0 + 60_000,
    cpuSeconds: 30,
    memoryByteSeconds: 200 * 60,
    diskWriteBytes: 500,
    netRxBytes: 20, // the guest's counter went down (it rebooted): all 20 are new
    uptimeSeconds: 60,
    generation: 3,
    sources: { cpu: 'proc' },
  });
  // A restarted process (another pid): its counters are since its start, its RSS stands for both ends.
  const restarted: Baseline = {
    atUnixMs: T0 + 60_000,
    pid: 8,
    stats: stats({ cpuSeconds: 2, memoryBytes: 50, uptimeSeconds: 20 }),
  };
  t.match(intervalOf('vm', base, restarted, 4, {}), { cpuSeconds: 2, uptimeSeconds: 20, memoryByteSeconds: 50 * 20 });
  // First sight: counted from the VM's start.
  const first = intervalOf('vm', undefined, next, 1, {});
  t.match(first, { startUnixMs: T0 + 60_000 - 160_000, cpuSeconds: 40, uptimeSeconds: 160 });
});

t.test('a counter that could not be read keeps its last value (no double count when it can again)', async (t) => {
  const prev: Baseline = { atUnixMs: T0, pid: 7, stats: stats({ netRxBytes: 500, netTxBytes: 90, diskReadBytes: 4 }) };
  const paused = stats({ cpuSeconds: 3, sources: { net: 'none', disk: 'qmp' } });
  t.match(carryUnread(prev, 7, paused), { netRxBytes: 500, netTxBytes: 90, diskReadBytes: 0, cpuSeconds: 3 });
  t.match(carryUnread(prev, 8, paused), { netRxBytes: 0 }, 'another process: nothing carried');
  const kept: Baseline = { atUnixMs: T0 + 1000, pid: 7, stats: carryUnread(prev, 7, paused) };
  const now: Baseline = { atUnixMs: T0 + 2000, pid: 7, stats: stats({ netRxBytes: 700, netTxBytes: 95 }) };
  t.match(intervalOf('vm', kept, now, 1, {}), { netRxBytes: 200, netTxBytes: 5 }, 'only what is new once it answers');
});

t.test(
  'the meter: one record per VM per tick, baselines kept in the same write, a restarted meter goes on',
  async (t) => {
    const store = await LevelStore.open(join(tmpDir('nephele-meter-'), 'db'));
    t.teardown(() => store.close());
    const outbox = await Outbox.open(store);
    let now = T0;
    let cpu = 0;
    const vms: MeteredVm[] = [
      {
        id: 'a',
        pid: 1,
        generation: 1,
        stats: async () => stats({ cpuSeconds: cpu, uptimeSeconds: (now - T0) / 1000 + 1 }),
      },
      { id: 'gone', pid: 2, generation: 1, stats: () => Promise.reject(new Error('not running')) },
    ];
    let flushed = 0;
    const meter = () =>
      new UsageMeter({
        store,
        outbox,
        vms: () => vms,
        flush: async () => void flushed++,
        intervalMs: 60_000,
        log: silentLogger,
        clock: { ...realClock, now: () => now },
      });
    const m = meter();
    await m.start();
    m.stop();
    await m.tick();
    now += 60_000;
    cpu = 5;
    await m.tick();
    // A new meter (the agent restarted) starts from the stored baselines.
    const m2 = meter();
    await m2.start();
    m2.stop();
    now += 60_000;
    cpu = 7;
    await m2.tick();
    const batches = (await outbox.pendingMessages(0)).map((p) => p.msg.usage!);
    t.equal(batches.length, 3, 'one batch per tick');
    const recs = batches.flatMap((b) => b.records!);
    t.same(
      recs.map((r) => r.vmId),
      ['a', 'a', 'a'],
      'a VM without stats is skipped',
    );
    t.same(
      recs.map((r) => [r.startUnixMs, r.endUnixMs, r.cpuSeconds]),
      [
        [T0 - 1000, T0, 0],
        [T0, T0 + 60_000, 5],
        [T0 + 60_000, T0 + 120_000, 2],
      ],
      'contiguous, across the restart',
    );
    t.equal(flushed, 3, 'sent after every tick');
  },
);

t.test('the outbox bounds its usage backlog: oldest usage batches go, events never', async (t) => {
  const store = await LevelStore.open(join(tmpDir('nephele-meter-'), 'db'));
  t.teardown(() => store.close());
  const o = await Outbox.open(store, { maxUsageBatches: 3 });
  const rec = { vmId: 'x', startUnixMs: 1, endUnixMs: 2 };
  await o.addUsage([rec], [], T0);
  await o.add({ type: 'e', message: 'm', attributes: {}, severity: 'info', timeUnixMs: T0 });
  for (let i = 0; i < 4; i++) await o.addUsage([rec], [], T0);
  const left = await o.pendingMessages(0);
  t.same(
    left.map((p) => [p.seq, p.msg.usage ? 'usage' : 'event']),
    [
      [2, 'event'],
      [4, 'usage'],
      [5, 'usage'],
      [6, 'usage'],
    ],
  );
  t.equal(o.usageDropped, 2, 'dropped and counted');
  const reopened = await Outbox.open(store, { maxUsageBatches: 3 });
  await reopened.addUsage([rec], [], T0);
  t.same(
    (await reopened.pendingMessages(0)).map((p) => p.seq),
    [2, 5, 6, 7],
    'the count survives a restart',
  );
  t.equal(await reopened.ack(6), 3);
  await reopened.addUsage([rec], [], T0);
  await reopened.addUsage([rec], [], T0);
  t.same(
    (await reopened.pendingMessages(0)).map((p) => p.seq),
    [7, 8, 9],
    'acked batches leave the count',
  );
});

t.test('--usage-interval: 1s to 1h', async (t) => {
  t.equal(parseUsageInterval('60s'), 60_000);
  t.equal(parseUsageInterval('1s'), 1000);
  t.throws(() => parseUsageInterval('500ms'), /--usage-interval/);
  t.throws(() => parseUsageInterval('2h'), /--usage-interval/);
  t.throws(() => parseUsageInterval('soon'), /--usage-interval/);
});

t.test('the controller checks a batch before anything of it is stored', async (t) => {
  const now = T0;
  const r = {
    vmId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
    startUnixMs: now - 60_000,
    endUnixMs: now,
    cpuSeconds: 1,
    memoryByteSeconds: 1,
    diskReadBytes: 0,
    diskWriteBytes: 0,
    netRxBytes: 0,
    netTxBytes: 0,
    uptimeSeconds: 60,
    sources: {},
    generation: 1,
    monitorPolls: 0,
    monitorProbeSeconds: 0,
    oomKills: 0,
    throttledSeconds: 0,
  };
  t.equal(checkUsageBatch({ seq: 1, epoch: 'ab', records: [r], timeUnixMs: now }, now).records.length, 1);
  t.throws(() => checkUsageBatch({ seq: 0, epoch: '', records: [], timeUnixMs: now }, now), /usage\.seq/);
  t.throws(() => checkUsageBatch({ seq: 1, epoch: 'zz', records: [], timeUnixMs: now }, now), /usage\.epoch/);
  t.throws(
    () => checkUsageBatch({ seq: 1, epoch: '', records: [{ ...r, diskReadBytes: 2 ** 60 }], timeUnixMs: now }, now),
    /disk_read_bytes/,
  );
  t.throws(
    () => checkUsageBatch({ seq: 1, epoch: '', records: [{ ...r, startUnixMs: 5 }], timeUnixMs: now }, now),
    /start_unix_ms/,
  );
  t.same(hoursOf(HOUR_MS * 5 + 10, HOUR_MS * 7), [HOUR_MS * 5, HOUR_MS * 6], 'every hour an interval touches');
});

t.test('the record budget bounds what is written at once, in order; a large batch goes alone', async (t) => {
  const budget = new RecordBudget(10);
  let now = 0;
  let peak = 0;
  const order: string[] = [];
  const gates = new Map<string, () => void>();
  const job = (name: string, n: number) =>
    budget.run(n, async () => {
      now += n;
      peak = Math.max(peak, now);
      order.push(name);
      await new Promise<void>((r) => gates.set(name, r));
      now -= n;
    });
  const runs = [job('a', 6), job('b', 6), job('c', 2), job('d', 25)];
  await new Promise((r) => setImmediate(r));
  t.same(order, ['a'], 'b waits (6 + 6 > 10), and c waits behind it');
  gates.get('a')!();
  await new Promise((r) => setImmediate(r));
  t.same(order, ['a', 'b', 'c'], 'then b and c together');
  gates.get('b')!();
  gates.get('c')!();
  await new Promise((r) => setImmediate(r));
  t.same(order, ['a', 'b', 'c', 'd'], 'the oversized batch alone');
  gates.get('d')!();
  await Promise.all(runs);
  t.ok(peak <= 25, 'never more than the budget, or one batch');
});
