// Moves in process (PlannerHarness): drains, preemption of best-effort work,
// re-placement off a host that stayed down, and evacuation of an ad-hoc host
// whose VMs wait on no host until capacity frees.
import t from 'tap';
import { PlannerHarness } from '../helpers/planner-harness.js';

t.test('a drain cordons the host and moves its VMs away', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a' }, { name: 'b' }] });
  t.teardown(() => h.close());
  const [a, b] = h.ids as [string, string];
  const id = await h.createSet({ count: 4 });
  const res = await h.planner.drain(a, 'maintenance');
  t.ok(res.moved > 0, 'some VMs were on it');
  t.equal(res.unplaced, 0);
  t.same([...(await h.placement(id)).keys()], [b], 'every VM on the other host');
  t.equal(h.planner.fleet.slot(a)?.cordoned, true, 'cordoned');
  t.equal((await h.eventsOf('host.drained')).length, 1);
  const again = await h.createSet({ count: 1 });
  t.same([...(await h.placement(again)).keys()], [b], 'a cordoned host takes nothing new');
});

t.test(
  'guaranteed work preempts best-effort work past the overcommit: moved where it fits, else retired',
  async (t) => {
    const h = await PlannerHarness.open({ hosts: [{ name: 'a', vcpus: 2, groups: ['g'] }] });
    t.teardown(() => h.close());
    const [a] = h.ids as [string];
    const be = await h.createSet({ count: 4, sla: 'SLA_BEST_EFFORT' });
    t.equal((await h.set(be)).state, 'placed', '4 best-effort vCPUs on 2 (overcommit 2)');
    // Room for one best-effort VM (its memory, × 2): one victim moves there, the other is retired.
    const b = await h.addHost({ name: 'b', vcpus: 4, memoryMib: 100 });
    const g = await h.createSet({ count: 2, group: 'g' });
    t.equal((await h.set(g)).state, 'placed', 'guaranteed work placed on a regardless');
    t.same([...(await h.placement(g)).keys()], [a]);
    const vms = await h.vmsOf(be);
    const moved = vms.filter((v) => v.hostId === b && v.desired === 'running');
    const retired = vms.filter((v) => v.desired === 'destroyed');
    t.equal(moved.length + retired.length, 2, 'two best-effort VMs made room (4 + 2 > 2 × 2)');
    t.equal(moved.length, 1, 'moved to the other host while it had room');
    t.equal(retired.length, 1, 'retired when none could take it');
    t.ok(vms.filter((v) => v.hostId === a && v.desired === 'running').length === 2, 'the oldest two stay');
    const newest = vms
      .map((v) => v.id)
      .sort()
      .slice(2);
    t.same([...moved, ...retired].map((v) => v.id).sort(), newest, 'newest first');
  },
);

t.test('a host down past the grace has its guaranteed VMs re-placed; best-effort ones wait for it', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a' }], opts: { replaceAfterMs: 60_000 } });
  t.teardown(() => h.close());
  const [a] = h.ids as [string];
  const g = await h.createSet({ count: 2 });
  const be = await h.createSet({ count: 1, sla: 'SLA_BEST_EFFORT' });
  const b = await h.addHost({ name: 'b' });
  await h.setHostState(a, 'down');
  await h.advance(59_000);
  t.same([...(await h.placement(g)).keys()], [a], 'not before the grace');
  await h.advance(1_000);
  await h.sweep();
  t.same([...(await h.placement(g)).keys()], [b], 'guaranteed VMs moved');
  t.same([...(await h.placement(be)).keys()], [a], 'best-effort VM stays');
  t.equal((await h.eventsOf('vm.replaced')).length, 2);
});

t.test(
  'an evacuated ad-hoc host: VMs with nowhere to go wait on no host, and are placed when capacity frees',
  async (t) => {
    const h = await PlannerHarness.open({ hosts: [{ name: 'desk', kind: 'adhoc', vcpus: 2 }] });
    t.teardown(() => h.close());
    const [desk] = h.ids as [string];
    const id = await h.createSet({ count: 2, sla: 'SLA_BEST_EFFORT' });
    await h.setOwner(desk, 'evacuate');
    let vms = await h.vmsOf(id);
    t.ok(
      vms.every((v) => v.hostId === '' && v.state === 'pending'),
      'both wait on no host',
    );
    t.ok(
      vms.every((v) => v.generation === 2),
      'a new generation fences the copies on the desk',
    );
    t.equal((await h.set(id)).state, 'partial');
    t.equal((await h.planner.view(id)).placed, 0);
    t.ok(h.planner.hasWaitingVms());
    const srv = await h.addHost({ name: 'srv' });
    await h.sweep();
    vms = await h.vmsOf(id);
    t.ok(
      vms.every((v) => v.hostId === srv),
      'placed on the new host',
    );
    t.equal((await h.set(id)).state, 'placed');
    t.notOk(h.planner.hasWaitingVms());
  },
);

t.test('retiring a set with a VM waiting for a host ends that VM at once', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'desk', kind: 'adhoc', vcpus: 2 }] });
  t.teardown(() => h.close());
  const [desk] = h.ids as [string];
  const id = await h.createSet({ count: 1, sla: 'SLA_BEST_EFFORT' });
  await h.setOwner(desk, 'evacuate');
  await h.planner.retire(id, 'deleted');
  const [vm] = await h.vmsOf(id);
  t.equal(vm!.state, 'destroyed', 'no host will report it gone: it ends here');
  t.equal((await h.set(id)).state, 'retired');
  t.notOk(h.planner.hasWaitingVms());
});
