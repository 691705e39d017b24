import t, { type Test } from 'tap';
import { join } from 'node:path';
import { FakeClock, type Clock } from '../../common/clock.js';
import { estimateOf, errorAt, refine, DRIFT_PER_MS } from '../../agent/timesync/estimate.js';
import { ControllerClock } from '../../agent/timesync/controller-clock.js';
import { UsageMeter, type MeteredVm } from '../../agent/usage/meter.js';
import { Outbox } from '../../agent/outbox.js';
import { zeroStats } from '../../agent/drivers/driver.js';
import { LevelStore } from '../../common/store/index.js';
import { silentLogger } from '../../common/logger.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { keepControllerClock } from '../../agent/timesync/persist.js';

const T0 = Date.UTC(2026, 5, 1);
const AHEAD = 10 * 60_000; // the agent's clock is ten minutes fast

t.test('one round trip: offset from its midpoint, error half the round trip; unusable ones are not used', async (t) => {
  t.same(estimateOf({ sentMs: 1000, serverMs: 900 + 50, receivedMs: 1100 }), {
    offsetMs: -100,
    errorMs: 50,
    atMs: 1100,
  });
  t.equal(estimateOf({ sentMs: 1000, serverMs: 0, receivedMs: 1100 }), undefined, 'no server time (older controller)');
  t.equal(estimateOf({ sentMs: 1000, serverMs: 5, receivedMs: 900 }), undefined, 'time went backwards');
  t.equal(estimateOf({ sentMs: 0, serverMs: 5, receivedMs: 60_000 }), undefined, 'a round trip too slow to say much');
  t.equal(estimateOf({ sentMs: NaN, serverMs: 5, receivedMs: 1 }), undefined);
});

t.test('refining: a tighter round trip wins, an old estimate grows stale, a stepped clock is followed', async (t) => {
  const a = { offsetMs: 100, errorMs: 10, atMs: 0 };
  t.equal(refine(undefined, a), a, 'the first estimate is taken');
  const loose = { offsetMs: 120, errorMs: 40, atMs: 1000 };
  t.equal(refine(a, loose), a, 'a looser one that agrees is not taken');
  const tight = { offsetMs: 105, errorMs: 2, atMs: 1000 };
  t.equal(refine(a, tight), tight, 'a tighter one is');
  const later = { offsetMs: 110, errorMs: 40, atMs: 3_600_000 };
  t.equal(errorAt(a, 3_600_000), 10 + 3_600_000 * DRIFT_PER_MS, 'error grows with drift');
  t.equal(refine(a, later), later, 'an hour later the looser but fresh one is better');
  const stepped = { offsetMs: -600_000, errorMs: 40, atMs: 2000 };
  t.equal(refine(a, stepped), stepped, 'estimates that cannot both hold: the newer wins');
});

t.test('the controller clock: local time plus the learned offset; timers stay local', async (t) => {
  const local = new FakeClock(T0 + AHEAD);
  const c = new ControllerClock(local);
  t.notOk(c.synced());
  t.equal(c.now(), T0 + AHEAD, 'local time stands in until synced');
  t.ok(c.observe({ sentMs: T0 + AHEAD - 20, serverMs: T0 - 10, receivedMs: T0 + AHEAD }));
  t.ok(c.synced());
  t.equal(c.offsetMs(), -AHEAD);
  t.equal(c.now(), T0);
  t.equal(c.fromLocal(T0 + AHEAD + 5), T0 + 5);
  let fired = 0;
  c.setTimeout(() => fired++, 1000);
  local.advance(1000);
  t.equal(fired, 1);
});

/** A fast agent clock; the controller's time is learned after `syncAfterTicks` samples. */
async function skewedMeter(t: Test, o: { cpuPerTick: number }) {
  const store = await LevelStore.open(join(tmpDir('nephele-skew-'), 'db'));
  t.teardown(() => store.close());
  const outbox = await Outbox.open(store);
  const local = new FakeClock(T0 + AHEAD);
  const time = new ControllerClock(local);
  let cpu = 0;
  const vm: MeteredVm = {
    id: 'a',
    pid: 1,
    generation: 1,
    stats: async () => ({ ...zeroStats(), cpuSeconds: cpu, uptimeSeconds: (local.now() - (T0 + AHEAD)) / 1000 + 1 }),
  };
  const meter = (clock: Clock, ready?: () => boolean) =>
    new UsageMeter({
      store,
      outbox,
      vms: () => [vm],
      flush: async () => {},
      intervalMs: 60_000,
      log: silentLogger,
      clock,
      ...(ready ? { ready } : {}),
    });
  const step = async (m: UsageMeter) => {
    local.advance(60_000);
    cpu += o.cpuPerTick;
    await m.tick();
  };
  const records = async () =>
    (await outbox.pendingMessages(0))
      .flatMap((p) => p.msg.usage?.records ?? [])
      .map((r) => ({
        startUnixMs: Number(r.startUnixMs),
        endUnixMs: Number(r.endUnixMs),
        cpuSeconds: Number(r.cpuSeconds),
      }));
  return { local, time, meter, step, records, cpu: () => cpu };
}

t.test('a fast agent clock: no sample until the controller time is known, then intervals in its time', async (t) => {
  const k = await skewedMeter(t, { cpuPerTick: 3 });
  const m = k.meter(k.time, () => k.time.synced());
  await m.tick();
  await k.step(m);
  t.same(await k.records(), [], 'not synced: nothing metered yet');
  // Welcome: the controller's clock is ten minutes behind.
  t.ok(k.time.observe({ sentMs: k.local.now() - 10, serverMs: k.local.now() - AHEAD - 5, receivedMs: k.local.now() }));
  await k.step(m);
  await k.step(m);
  const recs = await k.records();
  t.equal(recs.length, 2);
  const ctlNow = k.local.now() - AHEAD;
  t.equal(recs.at(-1)!.endUnixMs, ctlNow, "ends at the controller's now, not ten minutes ahead of it");
  t.equal(recs[1]!.startUnixMs, recs[0]!.endUnixMs, 'contiguous');
  t.equal(
    recs.reduce((s, r) => s + r.cpuSeconds, 0),
    k.cpu(),
    'the CPU used while not synced is in the first record: nothing lost',
  );
});

t.test(
  'baselines taken on the fast clock (an upgraded agent): kept until time passes them, nothing lost',
  async (t) => {
    const k = await skewedMeter(t, { cpuPerTick: 2 });
    // The previous run knew nothing of the controller's clock: its baselines are ten minutes ahead.
    const before = k.meter(k.local);
    await before.tick();
    await k.step(before);
    const old = await k.records();
    t.equal(old.at(-1)!.endUnixMs, k.local.now(), 'stamped on the fast clock');
    k.time.observe({ sentMs: k.local.now(), serverMs: k.local.now() - AHEAD, receivedMs: k.local.now() });
    const m = k.meter(k.time, () => k.time.synced());
    await m.start();
    m.stop();
    for (let i = 0; i < 12; i++) await k.step(m);
    const recs = (await k.records()).slice(old.length);
    t.equal(recs.length, 2, 'no interval while now is before the baseline; then one covering the wait, then the next');
    t.equal(recs[0]!.startUnixMs, old.at(-1)!.endUnixMs, 'it starts where the last one ended');
    t.ok(recs.every((r) => r.endUnixMs > r.startUnixMs));
    t.equal(
      [...old, ...recs].reduce((s, r) => s + r.cpuSeconds, 0),
      k.cpu(),
      'every CPU second is in some record',
    );
  },
);

t.test('the offset is kept across restarts: restored, and saved when it moves by a second or more', async (t) => {
  const store = await LevelStore.open(join(tmpDir('nephele-clock-'), 'db'));
  t.teardown(() => store.close());
  const local = new FakeClock(T0 + AHEAD);
  const first = new ControllerClock(local);
  await keepControllerClock(store, first, silentLogger);
  first.learn(local.now() - 10, local.now() - AHEAD, silentLogger);
  first.learn(local.now() - 4, local.now() - AHEAD + 3, silentLogger); // tighter, 5 ms away: not worth a write
  await waitFor(async () => (await store.get('state', 'controller-clock')) !== undefined);
  const next = new ControllerClock(local);
  await keepControllerClock(store, next, silentLogger);
  t.ok(next.synced(), 'a restarted agent knows the offset before it reaches the controller');
  t.equal(next.offsetMs(), -AHEAD + 5);
  first.learn(local.now(), 0, silentLogger);
  t.equal(first.offsetMs(), -AHEAD + 5, 'an answer without server time changes nothing');
});
