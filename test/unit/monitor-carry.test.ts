// An update cycle's revised set takes over the prior set's monitor policy and
// subscription (controller/monitor/carry.ts); an ended subscription does not carry.
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { EventLog } from '../../controller/events/log.js';
import { carryOver } from '../../controller/monitor/carry.js';
import { PolicyBook } from '../../controller/monitor/policy/policies.js';
import { SubscriptionEngine } from '../../controller/monitor/subscription/engine.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { policy } from '../helpers/monitor-records.js';

const PRIOR = '01J00000000000000000000000';
const NEXT = '01J00000000000000000000001';
const OTHER = '01J00000000000000000000002';

async function world() {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const events = await EventLog.open(store, clock, silentLogger);
  const policies = new PolicyBook(store, clock);
  await policies.load();
  const subs = new SubscriptionEngine({
    store,
    events,
    clock,
    log: silentLogger,
    ops: { tenantOf: async () => 'acme', vmsOf: async () => [], stopVms: async () => {}, retire: async () => {} },
    setMonitored: async () => {},
    tickMs: 1000,
  });
  await subs.start();
  t.teardown(() => subs.stop());
  return { clock, policies, subs, tenantOfSet: async () => 'acme' };
}

t.test('the revised set gets the prior set’s policy and live subscription', async (t) => {
  const w = await world();
  await w.policies.set(policy({ scope: `set:${PRIOR}`, intervalS: 7, enabled: true }));
  const end = w.clock.now() + 3_600_000;
  await w.subs.set(
    {
      scope: `set:${PRIOR}`,
      parsed: { kind: 'set', id: PRIOR },
      startUnixMs: 0,
      endUnixMs: end,
      graceS: 60,
      warnS: 600,
    },
    'acme',
  );
  await carryOver(w, PRIOR, NEXT);
  const p = w.policies.get(`set:${NEXT}`);
  t.same([p?.scope, p?.intervalS, p?.enabled], [`set:${NEXT}`, 7, true], 'policy carried, under the new scope');
  t.equal(w.policies.effective(NEXT, 'acme').source, `set:${NEXT}`, 'and in force for the revised set');
  const s = await w.subs.get(`set:${NEXT}`);
  t.same([s?.endUnixMs, s?.graceS, s?.warnS], [end, 60, 600], 'subscription carried with its end');
  t.ok(w.policies.get(`set:${PRIOR}`), 'the prior set keeps its own until it is retired');
});

t.test('nothing to carry: nothing is made up', async (t) => {
  const w = await world();
  await carryOver(w, OTHER, NEXT);
  t.equal(w.policies.get(`set:${NEXT}`), undefined, 'no policy invented');
  t.equal(await w.subs.get(`set:${NEXT}`), undefined, 'no subscription invented');
});
