// Placement rounds in process (PlannerHarness: in-memory store, fake clock,
// real event log and registries): what a round commits and pushes, partial
// sets retried when capacity frees, refusals re-placed, and set timers.
import t from 'tap';
import { PlannerHarness } from '../helpers/planner-harness.js';

const three = [
  { name: 'a', vcpus: 4 },
  { name: 'b', vcpus: 4 },
  { name: 'c', vcpus: 4 },
];

t.test('a round places the whole set in one commit, spread, and pushes each host once', async (t) => {
  const h = await PlannerHarness.open({ hosts: three });
  t.teardown(() => h.close());
  const writes = h.store.writes;
  const id = await h.createSet({ count: 6, strategy: 'PLACEMENT_STRATEGY_SPREAD' });
  t.equal(h.store.writes - writes, 1, 'set, VMs, quota and events in one batch');
  const set = await h.set(id);
  t.equal(set.state, 'placed');
  t.same([...(await h.placement(id)).values()], [2, 2, 2], 'two VMs on each host');
  t.same([...h.pushes].sort(), [...h.ids].sort(), 'each host told once');
  t.same(
    (await h.eventsOf('set.placed')).map((e) => e.attributes.placed),
    ['6'],
  );
  const view = await h.planner.view(id);
  t.equal(view.placed, 6, 'counted in memory');
  t.equal(view.confirmed, 0);
  await h.reportAll(id, 'running');
  const after = await h.planner.view(id);
  t.equal(after.confirmed, 6, 'the first reports confirm');
  t.equal(after.running, 6);
});

t.test('a partial set is retried when capacity frees, and only then', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a', vcpus: 2 }] });
  t.teardown(() => h.close());
  const id = await h.createSet({ count: 3 });
  let set = await h.set(id);
  t.equal(set.state, 'partial');
  t.equal(set.stateReason, '2 of 3 placed');
  t.match(set.reasons.join(';'), /not enough vcpus/);
  await h.sweep();
  await h.sweep();
  t.equal((await h.vmsOf(id)).length, 2, 'no capacity freed: no new VM');
  await h.addHost({ name: 'b', vcpus: 2 });
  await h.sweep();
  set = await h.set(id);
  t.equal(set.state, 'placed', 'placed once a host joined');
  t.equal((await h.vmsOf(id)).length, 3);
});

t.test('a batch-window set waits, then is partial when its window ends', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a', vcpus: 1 }] });
  t.teardown(() => h.close());
  const id = await h.createSet({ count: 2, sla: 'SLA_BEST_EFFORT', batchWindowS: 60, spec: { vcpus: 2 } });
  t.equal((await h.set(id)).state, 'waiting', '1 of 2 fit (overcommit 2), waits in its window');
  await h.advance(60_000);
  t.equal((await h.set(id)).state, 'partial', 'window over: partial');
  await h.addHost({ name: 'b', vcpus: 4 });
  await h.sweep();
  t.equal((await h.vmsOf(id)).length, 1, 'no more tries after the window');
});

t.test('a refused VM is re-placed on another host with a new generation, until its attempts are used up', async (t) => {
  const h = await PlannerHarness.open({ hosts: three, opts: { maxAttempts: 2 } });
  t.teardown(() => h.close());
  const id = await h.createSet({ count: 1 });
  const [vm] = await h.vmsOf(id);
  const first = vm!.hostId;
  h.pushes.length = 0;
  await h.report(first, vm!, 'failed', 'no such image');
  const [moved] = await h.vmsOf(id);
  t.not(moved!.hostId, first, 'on another host');
  t.equal(moved!.generation, vm!.generation + 1, 'generation bumped (fences the old copy)');
  t.same(moved!.tried, [first]);
  t.same(h.pushes.sort(), [first, moved!.hostId].sort(), 'old and new host told');
  t.equal((await h.eventsOf('vm.replaced')).length, 1);
  await h.report(moved!.hostId, moved!, 'failed', 'no such image');
  const [stuck] = await h.vmsOf(id);
  t.equal(stuck!.hostId, moved!.hostId, 'attempts used up: stays');
  const set = await h.set(id);
  t.equal(set.state, 'partial');
  t.match(set.reasons[0], /failed on 2 hosts \(last: no such image\); attempts used up/);
});

t.test('timers: a set starts at its time and retires at the end of its duration', async (t) => {
  const h = await PlannerHarness.open({ hosts: three });
  t.teardown(() => h.close());
  const id = await h.createSet({ count: 2, startAtUnixMs: h.clock.now() + 60_000, durationS: 30 });
  t.equal((await h.set(id)).state, 'scheduled');
  await h.advance(59_999);
  t.equal((await h.vmsOf(id)).length, 0, 'nothing before its time');
  await h.advance(1);
  t.equal((await h.set(id)).state, 'placed', 'started at its time');
  t.equal((await h.set(id)).expiresUnixMs, h.clock.now() + 30_000);
  await h.advance(30_000);
  t.equal((await h.set(id)).state, 'retiring', 'retiring at the end of its duration');
  t.ok((await h.vmsOf(id)).every((v) => v.desired === 'destroyed'));
  await h.destroyRetired();
  t.equal((await h.set(id)).state, 'retired', 'retired once its hosts destroyed the VMs');
  t.same(h.planner.fleet.totals().vms, 0, 'capacity released');
});

t.test('scale down retires the newest VMs; scale up places more', async (t) => {
  const h = await PlannerHarness.open({ hosts: three });
  t.teardown(() => h.close());
  const id = await h.createSet({ count: 4 });
  const before = (await h.vmsOf(id)).map((v) => v.id).sort();
  await h.planner.scale(id, 2);
  const retired = (await h.vmsOf(id))
    .filter((v) => v.desired === 'destroyed')
    .map((v) => v.id)
    .sort();
  t.same(retired, before.slice(2), 'the two newest');
  await h.destroyRetired();
  const { set } = await h.planner.scale(id, 5);
  t.equal(set.placed, 5);
  t.same(
    (await h.vmsOf(id))
      .map((v) => v.name)
      .sort()
      .slice(-1),
    ['set-' + id.slice(-6).toLowerCase() + '-7'],
    'new names never reuse old ones',
  );
});
