import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { LevelStore, put } from '../../common/store/index.js';
import { createLogger } from '../../common/logger.js';
import { nextDue, SetScheduler } from '../../controller/planner/scheduler.js';
import { SETS, type SetRecord } from '../../controller/planner/sets.js';
import type { Planner } from '../../controller/planner/planner.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

// Set timers under a fake clock: starts, expiries and batch-window ends fire at
// their time (not before), survive a restart (rebuilt from the store), and
// waits longer than setTimeout allows are re-armed rather than fired early.

const T0 = Date.UTC(2026, 0, 1);

function set(id: string, p: Partial<SetRecord> & { startAt?: number }): SetRecord {
  return {
    id,
    tenant: 'default',
    request: {
      name: id,
      tenant: 'default',
      spec: { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1, image: 'x', appliancePort: 8080, config: {} },
      count: 1,
      sla: 'guaranteed',
      startAtUnixMs: p.startAt ?? 0,
      batchWindowS: 0,
      durationS: 0,
      endOnTask: false,
      group: '',
      labels: {},
      affinity: 'none',
      schemePreference: ['process'],
      strategy: 'default',
    },
    state: 'placed',
    stateReason: '',
    count: 1,
    reasons: [],
    createdUnixMs: T0,
    startedUnixMs: 0,
    expiresUnixMs: 0,
    windowEndsUnixMs: 0,
    retiredUnixMs: 0,
    nextIndex: 1,
    ...p,
  };
}

/** A planner stand-in that records what the scheduler asked of it and moves the stored set on, as the planner does. */
function fakePlanner(
  calls: string[],
  store?: LevelStore,
  waitingVms = 0,
): { planner: Planner; notify: (s: SetRecord) => void } {
  let watcher: (s: SetRecord) => void = () => {};
  const move = async (id: string, state: SetRecord['state']) => {
    const r = store && (await store.get<SetRecord>(SETS, id));
    if (r)
      await store!.batch([
        put(SETS, id, { ...r.value, state, expiresUnixMs: state === 'retiring' ? 0 : r.value.expiresUnixMs }),
      ]);
  };
  const planner = {
    watchSets: (fn: (s: SetRecord) => void) => (watcher = fn),
    startOrRetry: async (id: string) => {
      calls.push(`start ${id}`);
      await move(id, 'placed');
    },
    retire: async (id: string, why: string) => {
      calls.push(`retire ${id} (${why})`);
      await move(id, 'retiring');
    },
    replaceFromDownHosts: async () => (calls.push('down-check'), 0),
    freedSinceLastLook: () => true,
    hasWaitingVms: () => waitingVms > 0,
    placeWaiting: async () => {
      if (waitingVms) calls.push('place-waiting');
      return 0;
    },
  } as unknown as Planner;
  return { planner, notify: (s) => watcher(s) };
}

/** Lets the scheduler's store reads and writes (real LevelDB I/O) finish after the fake clock fired timers. */
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
};

t.test('nextDue picks the earliest pending time of a live set', async (t) => {
  t.same(nextDue(set('a', { state: 'scheduled', startAt: T0 + 5000 })), { at: T0 + 5000, kind: 'start' });
  t.same(nextDue(set('b', { state: 'waiting', windowEndsUnixMs: T0 + 9000, expiresUnixMs: T0 + 4000 })), {
    at: T0 + 4000,
    kind: 'expire',
  });
  t.same(nextDue(set('c', { state: 'waiting', windowEndsUnixMs: T0 + 9000 })), { at: T0 + 9000, kind: 'window' });
  t.equal(
    nextDue(set('d', { state: 'retiring', expiresUnixMs: T0 + 1 })),
    undefined,
    'a retiring set waits for nothing',
  );
  t.equal(nextDue(set('e', {})), undefined, 'a placed set without expiry waits for nothing');
});

t.test('timers fire at their time, rebuilt from the store after a restart', async (t) => {
  const dir = tmpDir();
  const store = await LevelStore.open(dir);
  t.teardown(() => store.close());
  await store.batch([
    put(SETS, 'at', set('at', { state: 'scheduled', startAt: T0 + 5000 })),
    put(SETS, 'dur', set('dur', { expiresUnixMs: T0 + 8000 })),
    put(SETS, 'far', set('far', { state: 'scheduled', startAt: T0 + 40 * 86_400_000 })),
    put(SETS, 'done', set('done', { state: 'retired', expiresUnixMs: T0 + 1000 })),
  ]);
  const clock = new FakeClock(T0);
  const calls: string[] = [];
  const { planner } = fakePlanner(calls, store);
  // A "restarted controller": everything comes from the store.
  const sch = new SetScheduler(planner, store, clock, createLogger('test', { level: 'silent' }));
  await sch.start({ sweep: false });
  t.same(sch.pending().sort(), ['at', 'dur', 'far'], 'timers armed for the three live sets');
  clock.advance(4999);
  await flush();
  t.same(calls, [], 'nothing before its time');
  clock.advance(1);
  await flush();
  t.same(calls, ['start at'], 'the at-set starts at its time');
  clock.advance(3000);
  await flush();
  t.same(calls, ['start at', 'retire dur (its duration ended)'], 'the duration set is retired at its expiry');
  clock.advance(30 * 86_400_000);
  await waitFor(() => sch.pending().includes('far'), { message: 'far timer re-armed' });
  t.notOk(calls.includes('start far'), 'a start beyond setTimeout range does not fire early');
  t.ok(sch.pending().includes('far'), 'it was re-armed');
  clock.advance(10 * 86_400_000);
  await waitFor(() => calls.includes('start far'), { message: 'far start fired' });
  t.ok(calls.includes('start far'), 'and fires at its time');
  sch.stop();
});

t.test('an action that fails is retried later, not in a tight loop', async (t) => {
  const store = await LevelStore.open(tmpDir());
  t.teardown(() => store.close());
  await store.batch([put(SETS, 'stuck', set('stuck', { state: 'scheduled', startAt: T0 + 1000 }))]);
  const clock = new FakeClock(T0);
  const calls: string[] = [];
  const { planner } = fakePlanner(calls); // does not move the stored set: as if every start failed
  const sch = new SetScheduler(planner, store, clock, createLogger('test', { level: 'silent' }));
  await sch.start({ sweep: false });
  clock.advance(1000);
  await flush();
  t.same(calls, ['start stuck'], 'fired once');
  clock.advance(4999);
  await flush();
  t.same(calls, ['start stuck'], 'not again at once');
  clock.advance(1);
  await waitFor(() => calls.length === 2, { message: 'retried' });
  t.same(calls, ['start stuck', 'start stuck'], 'retried after 5 s');
  sch.stop();
});

t.test('a changed set re-arms its timer; the sweep checks down hosts and retries waiting sets', async (t) => {
  const store = await LevelStore.open(tmpDir());
  t.teardown(() => store.close());
  const clock = new FakeClock(T0);
  const calls: string[] = [];
  const { planner, notify } = fakePlanner(calls);
  const sch = new SetScheduler(planner, store, clock, createLogger('test', { level: 'silent' }));
  await sch.start({ sweep: false });
  notify(set('w', { state: 'waiting', windowEndsUnixMs: T0 + 60_000 }));
  notify(set('w', { state: 'waiting', windowEndsUnixMs: T0 + 10_000 })); // replaced, not added
  t.same(sch.pending(), ['w']);
  await sch.sweep();
  t.same(calls, ['down-check', 'start w'], 'the sweep checks down hosts, then retries the waiting set');
  calls.length = 0;
  clock.advance(10_000);
  await flush();
  t.same(calls, ['start w'], 'the window end fires once, at the replaced time');
  notify(set('w', { state: 'partial', windowEndsUnixMs: T0 + 10_000 }));
  calls.length = 0;
  await sch.sweep();
  t.same(calls, ['down-check'], 'a set whose batch window is over is not retried');
  notify(set('p', { state: 'partial' }));
  calls.length = 0;
  await sch.sweep();
  t.same(
    calls,
    ['down-check', 'start p'],
    'a partial set without a window is retried when capacity frees (a blocked evaluation)',
  );
  sch.stop();
});

t.test(
  'evacuated VMs waiting for a host are placed when capacity frees, before waiting sets and without one',
  async (t) => {
    const store = await LevelStore.open(tmpDir());
    t.teardown(() => store.close());
    const calls: string[] = [];
    const { planner, notify } = fakePlanner(calls, undefined, 1);
    const sch = new SetScheduler(planner, store, new FakeClock(T0), createLogger('test', { level: 'silent' }));
    await sch.start({ sweep: false });
    await sch.sweep();
    t.same(calls, ['down-check', 'place-waiting'], 'no waiting set, yet the waiting VM is looked at');
    notify(set('p', { state: 'partial' }));
    calls.length = 0;
    await sch.sweep();
    t.same(calls, ['down-check', 'place-waiting', 'start p'], 'waiting VMs before new ones');
    sch.stop();
  },
);

t.test('the sweep runs once a second on the clock, and not after stop', async (t) => {
  const store = await LevelStore.open(tmpDir());
  t.teardown(() => store.close());
  const clock = new FakeClock(T0);
  const calls: string[] = [];
  const { planner } = fakePlanner(calls);
  const sch = new SetScheduler(planner, store, clock, createLogger('test', { level: 'silent' }));
  await sch.start();
  clock.advance(999);
  await flush();
  t.same(calls, [], 'not before a second');
  clock.advance(1);
  await flush();
  t.same(calls, ['down-check'], 'one sweep at one second');
  for (let i = 0; i < 2; i++) {
    clock.advance(1000);
    await flush();
  }
  t.same(calls, ['down-check', 'down-check', 'down-check'], 'then one a second');
  sch.stop();
  clock.advance(5000);
  await flush();
  t.equal(calls.length, 3, 'none after stop');
});
