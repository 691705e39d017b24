// Subscriptions (issue 14): the ticker's steps under a fake clock — warning
// before the end, the end (VMs stopped, monitoring off), retirement after the
// grace — their order, retries, and resumption after a controller restart.
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { EventLog } from '../../controller/events/log.js';
import { SUBSCRIPTIONS, type SubscriptionRecord } from '../../controller/model/monitor.js';
import { subscriptionFromProto, type SubScope } from '../../controller/monitor/subscription/convert.js';
import { dueStep } from '../../controller/monitor/subscription/decide.js';
import { SubscriptionEngine } from '../../controller/monitor/subscription/engine.js';
import type { ScopeOps } from '../../controller/monitor/subscription/ops.js';
import { MemoryStore } from '../helpers/memory-store.js';

const S = 1000;

function fakeOps() {
  const calls: string[] = [];
  let failStops = 0;
  const ops: ScopeOps = {
    tenantOf: async (s: SubScope) => (s.kind === 'tenant' ? s.name : 'acme'),
    vmsOf: async () => ['vm-a', 'vm-b'],
    stopVms: async (ids) => {
      if (failStops > 0) {
        failStops--;
        throw new Error('store busy');
      }
      calls.push(`stop ${ids.join(',')}`);
    },
    retire: async (s) => void calls.push(`retire ${s.kind === 'set' ? s.id : s.name}`),
  };
  return { ops, calls, failNextStops: (n: number) => (failStops = n) };
}

async function world(store = new MemoryStore(), clock = new FakeClock()) {
  const events = await EventLog.open(store, clock, silentLogger);
  const f = fakeOps();
  const monitored: string[] = [];
  const engine = new SubscriptionEngine({
    store,
    events,
    clock,
    log: silentLogger,
    ops: f.ops,
    setMonitored: async (ids, on) => void monitored.push(`${on ? 'on' : 'off'} ${ids.join(',')}`),
    tickMs: S,
  });
  await engine.start();
  const types = async () =>
    (await events.list(0, 100)).events.map((e) => e.type).filter((x) => x.startsWith('subscription.'));
  /** Moves the clock and lets the tick it fired finish. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await engine.settled();
  };
  return { store, clock, events, engine, ...f, monitored, types, advance };
}

const SET = '01J00000000000000000000000';
const input = (now: number, o: Partial<Record<'endUnixMs' | 'startUnixMs' | 'graceS' | 'warnS', number>> = {}) =>
  subscriptionFromProto(
    {
      scope: `set:${SET}`,
      startUnixMs: 0,
      endUnixMs: 0,
      graceS: 0,
      warnS: 0,
      state: 'SUBSCRIPTION_STATE_UNSPECIFIED',
      version: 0,
      updatedUnixMs: 0,
      ...o,
    },
    now,
  );

t.test('dueStep: one step at a time, in order', async (t) => {
  const base: SubscriptionRecord = {
    scope: 'set:x',
    startUnixMs: 1000,
    endUnixMs: 10_000,
    graceS: 5,
    warnS: 3,
    state: 'pending',
    warned: false,
    version: 1,
    updatedUnixMs: 0,
  };
  t.equal(dueStep(base, 999), undefined, 'pending before its start');
  t.equal(dueStep(base, 1000), 'activate');
  const active = { ...base, state: 'active' as const };
  t.equal(dueStep(active, 6999), undefined);
  t.equal(dueStep(active, 7000), 'warn', 'warn_s before the end');
  t.equal(dueStep({ ...active, warned: true }, 9999), undefined, 'warned once');
  t.equal(dueStep(active, 10_000), 'end', 'the end comes even when the warning was missed');
  t.equal(dueStep({ ...active, endUnixMs: 0 }, 1e15), undefined, 'open-ended never ends');
  t.equal(dueStep({ ...active, warnS: 0 }, 9999), undefined, 'warn_s 0 in the record: no warning');
  const ended = { ...base, state: 'ended' as const };
  t.equal(dueStep(ended, 14_999), undefined, 'grace');
  t.equal(dueStep(ended, 15_000), 'retire');
  t.equal(dueStep({ ...base, state: 'retired' }, 1e15), undefined);
});

t.test('validation names the field', async (t) => {
  const now = Date.UTC(2026, 0, 1);
  const bad = (o: Record<string, unknown>, field: RegExp) =>
    t.throws(() => subscriptionFromProto({ scope: `set:${SET}`, ...o } as never, now), { message: field });
  bad({ scope: 'set:nope' }, /subscription\.scope/);
  bad({ scope: 'fleet' }, /subscription\.scope/);
  bad({ scope: 'tenant:Bad Name' }, /subscription\.scope/);
  bad({ endUnixMs: now - 1 }, /subscription\.end_unix_ms/);
  bad({ endUnixMs: -5 }, /subscription\.end_unix_ms/);
  bad({ startUnixMs: 1e17 }, /subscription\.start_unix_ms/);
  bad({ graceS: 400 * 86_400 }, /subscription\.grace_s/);
  bad({ warnS: -1 }, /subscription\.warn_s/);
  t.throws(() => subscriptionFromProto(null, now), { message: /subscription/ });
  const ok = subscriptionFromProto({ scope: 'tenant:acme', endUnixMs: now + 1 } as never, now);
  t.same([ok.scope, ok.startUnixMs, ok.graceS, ok.warnS], ['tenant:acme', now, 3600, 86_400], 'defaults');
});

t.test('warning, end, grace, retirement: in order, each once', async (t) => {
  const w = await world();
  const now = w.clock.now();
  await w.engine.set(input(now, { endUnixMs: now + 60 * S, warnS: 20, graceS: 30 }), 'acme');
  t.ok(w.engine.active(SET, 'acme'));
  await w.advance(39 * S);
  t.same(await w.types(), ['subscription.set'], 'nothing before warn_s');
  await w.advance(1 * S);
  t.same(await w.types(), ['subscription.set', 'subscription.warning']);
  await w.advance(19 * S);
  t.same(w.calls, [], 'nothing stopped before the end');
  await w.advance(1 * S);
  t.same(w.calls, ['stop vm-a,vm-b']);
  t.same(w.monitored, ['off vm-a,vm-b'], 'monitoring turned off');
  t.notOk(w.engine.active(SET, 'acme'), 'not active once ended');
  t.ok(w.engine.active('01J00000000000000000000001', 'other'), 'other scopes stay active');
  t.equal((await w.engine.get(`set:${SET}`))?.state, 'ended');
  await w.advance(29 * S);
  t.same(w.calls, ['stop vm-a,vm-b'], 'not retired within the grace');
  await w.advance(1 * S);
  t.same(w.calls, ['stop vm-a,vm-b', `retire ${SET}`]);
  await w.advance(3600 * S);
  t.same(
    await w.types(),
    ['subscription.set', 'subscription.warning', 'subscription.ended', 'subscription.retired'],
    'each step once, in order',
  );
  const ended = (await w.events.list(0, 100)).events.find((e) => e.type === 'subscription.ended')!;
  t.equal(ended.tenant, 'acme', 'the tenant sees its own events');
  t.equal(ended.attributes.scope, `set:${SET}`);
  const history = (await w.events.list(0, 100)).events.filter((e) => e.attributes.set_id === SET);
  t.same(
    history.map((e) => e.type),
    ['subscription.set', 'subscription.warning', 'subscription.ended', 'subscription.retired'],
    "every step names the set: it is in the set's history",
  );
  await t.rejects(w.engine.set(input(w.clock.now(), { endUnixMs: w.clock.now() + S }), 'acme'), {
    message: /retired/,
  });
  await w.engine.stop();
});

t.test('a failed step is retried at the next tick; the record moves only after it worked', async (t) => {
  const w = await world();
  const now = w.clock.now();
  await w.engine.set(input(now, { endUnixMs: now + 10 * S, warnS: 1 }), 'acme');
  await w.advance(9 * S);
  w.failNextStops(2);
  await w.advance(S);
  t.equal((await w.engine.get(`set:${SET}`))?.state, 'active', 'still active while the stop fails');
  await w.advance(S);
  t.notOk((await w.types()).includes('subscription.ended'));
  await w.advance(S);
  t.equal((await w.engine.get(`set:${SET}`))?.state, 'ended');
  t.same(w.calls, ['stop vm-a,vm-b'], 'stopped once it worked');
  await w.engine.stop();
});

t.test('resumes after a restart: stored state, steps not repeated, a missed step taken at once', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const a = await world(store, clock);
  const now = clock.now();
  await a.engine.set(input(now, { endUnixMs: now + 10 * S, warnS: 5, graceS: 60 }), 'acme');
  await a.advance(5 * S);
  await a.advance(5 * S);
  t.equal((await a.engine.get(`set:${SET}`))?.state, 'ended');
  await a.engine.stop();

  // Down across the end of the grace: the new controller retires at its first tick, without stopping again.
  clock.advance(120 * S);
  const b = await world(store, clock);
  t.equal((await b.engine.get(`set:${SET}`))?.state, 'ended', 'loaded from the store');
  t.notOk(b.engine.active(SET, 'acme'));
  await b.advance(S);
  t.same(b.calls, [`retire ${SET}`], 'only the missed step');
  t.equal((await store.get<SubscriptionRecord>(SUBSCRIPTIONS, `set:${SET}`))?.value.state, 'retired');
  t.same(await b.types(), ['subscription.set', 'subscription.warning', 'subscription.ended', 'subscription.retired']);
  await b.engine.stop();
});

t.test('pending until its start; a new end date earns a new warning', async (t) => {
  const w = await world();
  const now = w.clock.now();
  const r = await w.engine.set(input(now, { startUnixMs: now + 5 * S, endUnixMs: now + 100 * S, warnS: 10 }), 'acme');
  t.equal(r.state, 'pending');
  await w.advance(5 * S);
  t.equal((await w.engine.get(`set:${SET}`))?.state, 'active');
  await w.advance(85 * S);
  t.equal((await w.engine.get(`set:${SET}`))?.warned, true);
  const moved = await w.engine.set(
    input(w.clock.now(), { startUnixMs: now, endUnixMs: now + 200 * S, warnS: 10 }),
    'acme',
  );
  t.equal(moved.warned, false);
  t.equal(moved.state, 'active');
  await w.advance(100 * S);
  t.same((await w.types()).filter((x) => x === 'subscription.warning').length, 2, 'warned again before the new end');
  await w.engine.stop();
});
