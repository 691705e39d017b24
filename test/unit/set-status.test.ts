// A set's status from its members' current states (issue 11, item 9): the
// reason is computed (never "2 of 2 placed" after a member was destroyed), the
// failed members are counted, and a guaranteed set replaces the members it
// loses (destroyed by hand, failed, host gone) unless it was scaled down.
import t from 'tap';
import { PlannerHarness } from '../helpers/planner-harness.js';
import { failedBudget, replacesFailed, setReason, shortfall } from '../../controller/planner/status.js';
import type { SetRecord } from '../../controller/model/index.js';
import { put } from '../../common/store/index.js';
import { silentLogger } from '../../common/logger.js';
import { EventLog } from '../../controller/events/log.js';
import { HostRegistry } from '../../controller/hosts/registry.js';
import { Planner } from '../../controller/planner/planner.js';
import { Tenants } from '../../controller/tenancy/tenants.js';
import { lifecycleEvent, VMS, VmRegistry, type VmRecord } from '../../controller/vms/registry.js';

const counts = (o: Partial<Record<'placed' | 'confirmed' | 'running' | 'failed' | 'finished', number>> = {}) => ({
  placed: 0,
  confirmed: 0,
  running: 0,
  failed: 0,
  finished: 0,
  ...o,
});
const facts = (o: Partial<SetRecord> = {}) =>
  ({
    state: 'placed',
    stateReason: 'stored',
    count: 2,
    request: { sla: 'guaranteed' } as SetRecord['request'],
    failedReplaced: 0,
    ...o,
  }) as SetRecord;

t.test('setReason: what the members do now', async (t) => {
  t.equal(setReason(facts(), counts({ placed: 2, confirmed: 2, running: 2 }), 0, 3), '2 of 2 placed, 2 running');
  t.equal(
    setReason(facts(), counts({ placed: 1, confirmed: 1, running: 1 }), 0, 3),
    '1 of 2 placed, 1 running; 1 not placed',
    'a member destroyed by hand: no longer "2 of 2"',
  );
  t.equal(
    setReason(facts({ count: 1 }), counts({ placed: 1, confirmed: 1, failed: 1 }), 0, 3),
    '1 of 1 placed, 1 failed',
    'a failed member is counted',
  );
  t.equal(
    setReason(facts({ count: 1, failedReplaced: 3 }), counts({ placed: 1, failed: 1 }), 0, 3),
    '1 of 1 placed, 1 failed; failed vms are no longer replaced (3 replaced)',
    'the budget used up is said',
  );
  t.equal(
    setReason(facts({ count: 3 }), counts({ placed: 3, running: 1 }), 0, 3),
    '3 of 3 placed, 1 running, 2 starting',
  );
  t.equal(
    setReason(facts({ count: 2 }), counts({ placed: 1, running: 1, finished: 1 }), 0, 3),
    '1 of 2 placed, 1 running, 1 task done',
    'a finished task is not missing',
  );
  t.equal(
    setReason(facts({ state: 'waiting', count: 3 }), counts({ placed: 1, running: 1 }), 1, 3),
    '1 of 3 placed, 1 running, 1 waiting for a host; waiting for capacity until the batch window ends',
  );
  for (const state of ['scheduled', 'retiring', 'retired'] as const)
    t.equal(setReason(facts({ state }), counts(), 0, 3), 'stored', `${state}: the reason of the transition`);
});

t.test('shortfall and the replacement budget', async (t) => {
  t.equal(shortfall(3, counts({ placed: 1, finished: 1 }), 0), 1);
  t.equal(shortfall(3, counts({ placed: 1 }), 2), 0, "waiting members are still the set's");
  t.equal(shortfall(1, counts({ placed: 2 }), 0), 0, 'never negative');
  t.equal(failedBudget(2, 3), 6);
  t.equal(failedBudget(0, 3), 3, 'a set scaled to 0 still has a budget');
  t.ok(replacesFailed(facts({ failedReplaced: 5 }), 3));
  t.notOk(replacesFailed(facts({ failedReplaced: 6 }), 3), 'budget used up');
  t.notOk(replacesFailed(facts({ request: { sla: 'best_effort' } as SetRecord['request'] }), 3), 'best effort');
  t.notOk(replacesFailed(facts({ state: 'retiring' }), 3), 'a retiring set replaces nothing');
});

/** DestroyVm as the RPC does it. */
async function destroyByHand(h: PlannerHarness, vm: VmRecord): Promise<void> {
  await h.vms.setDesired(vm.id, undefined, () => ({ desired: 'destroyed' }), lifecycleEvent('destroy_requested'));
  await h.idle();
}

const liveOf = async (h: PlannerHarness, id: string) =>
  (await h.vmsOf(id)).filter((v) => v.desired !== 'destroyed' && v.state !== 'destroyed');

t.test('a guaranteed set replaces a member destroyed by hand', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a' }] });
  t.teardown(() => h.close());
  const id = await h.createSet({ count: 2, name: 'web' });
  await h.reportAll(id, 'running');
  const [first] = await h.vmsOf(id);
  await destroyByHand(h, first!);
  const live = await liveOf(h, id);
  t.equal(live.length, 2, 'two members again');
  t.notOk(
    live.some((v) => v.id === first!.id),
    'the destroyed one is not among them',
  );
  t.ok(
    live.some((v) => v.name === 'web-3'),
    'the fresh one has a new name',
  );
  t.equal((await h.eventsOf('set.replacing')).length, 1, 'said in an event');
  const view = await h.planner.view(id);
  t.equal(view.stateReason, '2 of 2 placed, 1 running, 1 starting', 'the reason is true');
  await h.destroyRetired();
  t.equal((await liveOf(h, id)).length, 2, 'the destroyed member going away changes nothing');
});

t.test('on a full host the replacement is placed once the destroyed member frees its place', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a', vcpus: 1 }] });
  t.teardown(() => h.close());
  const id = await h.createSet({ count: 1, name: 'one' });
  await h.reportAll(id, 'running');
  const [first] = await h.vmsOf(id);
  await destroyByHand(h, first!);
  t.equal((await liveOf(h, id)).length, 0, 'no room while the destroyed one still holds the host');
  await h.destroyRetired();
  const live = await liveOf(h, id);
  t.equal(live.length, 1, 'placed when its place is free');
  t.equal(live[0]?.name, 'one-2', 'a fresh member');
});

t.test('a set scaled down does not replace the members it retired; a best-effort set replaces nothing', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a' }] });
  t.teardown(() => h.close());
  const id = await h.createSet({ count: 3 });
  await h.reportAll(id, 'running');
  await h.planner.scale(id, 1);
  await h.idle();
  await h.destroyRetired();
  t.equal((await liveOf(h, id)).length, 1, 'one member, as asked');
  t.equal((await h.eventsOf('set.replacing')).length, 0);
  t.equal((await h.planner.view(id)).stateReason, '1 of 1 placed, 1 running');

  const be = await h.createSet({ count: 2, sla: 'SLA_BEST_EFFORT' });
  await h.reportAll(be, 'running');
  await destroyByHand(h, (await h.vmsOf(be))[0]!);
  t.equal((await liveOf(h, be)).length, 1, 'best effort: not replaced');
  const v = await h.planner.view(be);
  t.equal(v.stateReason, '1 of 2 placed, 1 running; 1 not placed', 'and the reason says so');
});

t.test('a failed member is replaced within the budget; then counted as failed', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a' }], opts: { maxAttempts: 2 } });
  t.teardown(() => h.close());
  const id = await h.createSet({ count: 1, name: 'job' });
  for (let i = 1; i <= 3; i++) {
    const [vm] = await liveOf(h, id);
    await h.report(vm!.hostId, vm!, 'running');
    await h.report(vm!.hostId, (await h.vms.get(vm!.id)).vm, 'failed', 'exit status 1');
    await h.destroyRetired();
  }
  const vms = await h.vmsOf(id);
  t.equal(vms.length, 3, 'two replacements (budget 1 × 2), then no more');
  t.equal((await h.set(id)).failedReplaced, 2);
  t.equal((await h.eventsOf('set.vm_failed')).length, 2);
  const v = await h.planner.view(id);
  t.equal(v.failed, 1, 'the last one is counted as failed');
  t.equal(v.stateReason, '1 of 1 placed, 1 failed; failed vms are no longer replaced (2 replaced)');
});

t.test('a member whose host stays down is re-placed after the grace', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a' }, { name: 'b' }], opts: { replaceAfterMs: 60_000 } });
  t.teardown(() => h.close());
  const id = await h.createSet({ count: 1 });
  await h.reportAll(id, 'running');
  const [vm] = await h.vmsOf(id);
  await h.setHostState(vm!.hostId, 'down');
  await h.advance(30_000);
  await h.sweep();
  t.equal((await h.vmsOf(id))[0]!.hostId, vm!.hostId, 'not before the grace');
  await h.advance(31_000);
  await h.sweep();
  const [moved] = await h.vmsOf(id);
  t.not(moved!.hostId, vm!.hostId, 'placed on the other host');
  t.equal((await h.planner.view(id)).stateReason, '1 of 1 placed, 1 starting');
});

t.test('an end-on-task set does not replace a finished task', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a' }] });
  t.teardown(() => h.close());
  // Tasks go only to a host that isolates them.
  await h.hosts.update(h.ids[0]!, (r) => ({
    ...r,
    schemeInfo: [{ scheme: 'process', attributes: { isolation: 'full' } }],
  }));
  const id = await h.createSet({ count: 2, endOnTask: true, spec: { config: { task: 'true' } } });
  const [vm] = await h.vmsOf(id);
  await h.vms.applyReport(
    vm!.hostId,
    {
      vmId: vm!.id,
      state: 'stopped',
      reason: 'task done',
      generation: vm!.generation,
      hostPort: 0,
      guestReady: false,
      timeUnixMs: h.clock.now(),
      taskDone: true,
    },
    { ops: [], pre: [] },
  );
  await h.idle();
  await h.destroyRetired();
  await h.sweep();
  t.equal((await h.vmsOf(id)).length, 2, 'no third vm');
  t.equal((await h.planner.view(id)).stateReason, '1 of 2 placed, 1 starting, 1 task done');
  t.equal((await h.planner.plan(id)).unplaced, 0, 'the plan does not count a finished task as unplaced');
});

t.test('a member lost while the controller was away is replaced when it starts', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a' }] });
  t.teardown(() => h.close());
  const id = await h.createSet({ count: 2 });
  const [vm] = await h.vmsOf(id);
  // Written as DestroyVm writes it, but no planner hears of it (the controller stops right after).
  await h.store.batch([put(VMS, vm!.id, { ...vm!, desired: 'destroyed' })]);
  // A controller starting on the same store: its own registries and planner.
  const events = await EventLog.open(h.store, h.clock, silentLogger);
  const tenants = new Tenants(h.store, events, h.clock);
  const planner = new Planner(
    h.store,
    events,
    h.clock,
    silentLogger,
    tenants,
    new HostRegistry(h.store, events, h.clock),
    new VmRegistry(h.store, events, h.clock, tenants),
    () => {},
  );
  await planner.start();
  await planner.settled();
  t.equal((await liveOf(h, id)).length, 2, 'two members again');
  t.equal((await h.eventsOf('set.replacing')).length, 1);
  t.equal((await planner.view(id)).stateReason, '2 of 2 placed, 2 starting');
});
