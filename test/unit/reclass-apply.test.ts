// ApplyRecommendation's pure decisions (apply/decide.ts) and the planner's
// reclassification changes of one VM (planner/reshape.ts, Moves.moveOne with a
// MoveChange) in process: room and quota refused with nothing written, dry runs
// write nothing, the features constraint, a VM of another size in the same set.
import t from 'tap';
import { PlannerHarness } from '../helpers/planner-harness.js';
import { planSteps, scheduleOf, staleReason, stateProblem } from '../../controller/reclass/apply/decide.js';
import { vmSpecHash } from '../../controller/reclass/spec-hash.js';
import type { RecommendationRecord } from '../../controller/model/reclass.js';
import type { VmRecord } from '../../controller/model/vm.js';
import { VMS } from '../../controller/vms/registry.js';
import { RESERVATIONS, TENANTS } from '../../controller/tenancy/tenants.js';
import { SETS } from '../../controller/planner/sets.js';
import type { Store } from '../../common/store/index.js';
import { tmpDir } from '../helpers/tmp.js';
import { recommendation } from '../helpers/reclass-records.js';

const vmOf = (o: Partial<VmRecord> = {}): VmRecord =>
  ({
    id: 'V',
    name: 'v',
    tenant: 'default',
    hostId: 'h',
    setId: '',
    spec: { scheme: 'process', vcpus: 1, memoryMib: 128, diskGib: 1, image: '', appliancePort: 8080, config: {} },
    desired: 'running',
    state: 'running',
    generation: 3,
    ...o,
  }) as VmRecord;

const recOf = (vm: VmRecord, o: Partial<RecommendationRecord> = {}): RecommendationRecord =>
  recommendation({
    vmId: vm.id,
    vmGeneration: vm.generation,
    vmSpecHash: vmSpecHash(vm.spec!),
    vcpus: vm.spec!.vcpus,
    memoryMib: vm.spec!.memoryMib,
    ...o,
  });

t.test('stale: gone, moved, changed; the state must be open or scheduled', async (t) => {
  const vm = vmOf();
  t.equal(staleReason(recOf(vm), vm), undefined, 'the vm as recommended');
  t.equal(staleReason(recOf(vm), undefined), 'the vm is gone');
  t.equal(staleReason(recOf(vm), vmOf({ desired: 'destroyed' })), 'the vm is gone');
  t.equal(staleReason(recOf(vm), vmOf({ generation: 4 })), 'the vm was moved or re-placed since');
  const resized = vmOf({ spec: { ...vm.spec!, vcpus: 2 } });
  t.equal(staleReason(recOf(vm), resized), 'the vm was changed since');
  t.equal(staleReason(recOf(vm, { vmSpecHash: '' }), resized), 'the vm was resized since', 'no hash: the size');
  t.equal(stateProblem(recOf(vm)), undefined);
  t.equal(stateProblem(recOf(vm, { state: 'scheduled' })), undefined);
  for (const s of ['applying', 'applied', 'failed', 'superseded', 'stale'] as const)
    t.equal(stateProblem(recOf(vm, { state: s })), `it is ${s}`);
});

t.test('when: now, at (past = now), the maintenance window; bad input names the field', async (t) => {
  t.same(scheduleOf('now', 0, 1000, undefined), { state: 'applying', atUnixMs: 1000 });
  t.same(scheduleOf('at', 5000, 1000, undefined), { state: 'scheduled', atUnixMs: 5000 });
  t.same(scheduleOf('at', 500, 1000, undefined), { state: 'applying', atUnixMs: 1000 });
  t.match(scheduleOf('at', 0, 1000, undefined), { field: 'at_unix_ms' });
  t.same(scheduleOf('maintenance_window', 0, 1000, 9000), { state: 'scheduled', atUnixMs: 9000 });
  t.match(scheduleOf('maintenance_window', 0, 1000, undefined), { field: 'when' });
});

t.test('steps per kind, all planned', async (t) => {
  const vm = vmOf();
  const names = (k: RecommendationRecord['kind']) => planSteps(recOf(vm, { kind: k })).map((s) => s.name);
  t.same(names('resize'), ['reserve', 'resize', 'wait']);
  t.same(names('move'), ['reserve', 'move', 'wait']);
  t.same(names('new_vm'), ['reserve', 'create', 'wait', 'probe', 'retire']);
  t.same(names('reassign'), ['check', 'configure', 'probe', 'retire']);
  t.ok(planSteps(recOf(vm)).every((s) => s.state === 'planned'));
});

/** What the planner writes for a VM: VMs, sets, tenants' usage, reservations. */
async function dump(s: Store): Promise<string> {
  const rows: string[] = [];
  for (const c of [VMS, SETS, TENANTS, RESERVATIONS])
    for await (const { key, value } of s.scan(c)) rows.push(`${c}/${key}=${JSON.stringify(value)}`);
  return rows.join('\n');
}

t.test('resize: room and quota refused with nothing written; a dry run writes nothing; then it resizes', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a', vcpus: 4 }] });
  t.teardown(() => h.close());
  const [a] = h.ids as [string];
  const set = await h.createSet({ count: 1 });
  const [vm] = await h.vmsOf(set);
  const to = { vcpus: 3, memoryMib: 256, vmClass: 'medium' };
  const ledger = JSON.stringify(h.planner.fleet.slot(a)!.guaranteed);
  await t.rejects(h.planner.resizeVm(vm!.id, vm!.generation, { ...to, vcpus: 5 }), {
    code: 'FAILED_PRECONDITION',
    message: /its host cannot take 5 vcpus, 256 MiB: not enough vcpus/,
  });
  await h.tenants.setQuota('default', { vcpus: 2, memoryBytes: 0, vms: 0, images: 0 });
  const quota = await dump(h.store);
  await t.rejects(h.planner.resizeVm(vm!.id, vm!.generation, to), {
    code: 'RESOURCE_EXHAUSTED',
    message: /quota vcpus exceeded: 2 requested, 1 of 2 left/,
  });
  t.equal(await dump(h.store), quota, 'over quota: nothing written');
  await h.tenants.setQuota('default', { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 });
  await t.rejects(h.planner.resizeVm(vm!.id, vm!.generation + 1, to), { message: /the vm changed/ });
  const before = await dump(h.store);
  const dry = await h.planner.resizeVm(vm!.id, vm!.generation, to, { dryRun: true });
  t.equal(dry.spec!.vcpus, 3, 'the dry run answers the new record');
  t.equal(JSON.stringify(h.planner.fleet.slot(a)!.guaranteed), ledger, 'the ledger is as before');
  const pushes = h.pushes.length;
  t.equal(await dump(h.store), before, 'a dry run writes nothing');

  const next = await h.planner.resizeVm(vm!.id, vm!.generation, to);
  t.equal(next.spec!.vcpus, 3);
  t.equal(next.spec!.vmClass, 'medium');
  t.equal(next.generation, vm!.generation, 'same generation: the same copy, resized where it runs');
  t.equal(h.planner.fleet.slot(a)!.guaranteed.vcpus, 3, 'the ledger holds the new size');
  const tenant = (await h.store.get<{ usage: { vcpus: number; memoryBytes: number } }>(TENANTS, 'default'))!.value;
  t.same([tenant.usage.vcpus, tenant.usage.memoryBytes], [3, 256 * 2 ** 20], 'the quota usage moved by the difference');
  const res = (await h.store.get<{ demand: { vcpus: number } }>(RESERVATIONS, `default/${vm!.id}`))!.value;
  t.equal(res.demand.vcpus, 3, "the VM's reservation is its new size (given back whole when it ends)");
  t.equal((await h.eventsOf('vm.resized')).length, 1);
  t.equal(h.pushes.length, pushes + 1, 'its host is told');
  // Down again: the quota shrinks, nothing refused.
  await h.planner.resizeVm(vm!.id, vm!.generation, { vcpus: 1, memoryMib: 128, vmClass: '' });
  t.equal(h.planner.fleet.slot(a)!.guaranteed.vcpus, 1);
});

t.test('features: a move goes only where they are offered; a VM of another size joins the set', async (t) => {
  const h = await PlannerHarness.open({
    hosts: [{ name: 'a' }, { name: 'b' }, { name: 'secure', labels: { 'secure-os': 'true' } }],
  });
  t.teardown(() => h.close());
  const [, , secure] = h.ids as [string, string, string];
  await h.planner.useHostFeatures((rec) => Object.keys(rec.labels ?? {}).filter((k) => rec.labels![k] === 'true'));
  const set = await h.createSet({ count: 1, group: '' });
  const [vm] = await h.vmsOf(set);
  const x = { features: ['gpu'], generation: vm!.generation };
  const none = await h.planner.moveVm(vm!.id, 'test', x);
  t.equal(none.moved, false);
  t.match(none.reasons.join(';'), /does not offer gpu/, 'the reason names the missing feature');
  const before = await dump(h.store);
  t.ok((await h.planner.moveVm(vm!.id, 'test', { ...x, features: ['secure-os'], dryRun: true })).moved);
  t.equal(await dump(h.store), before, 'a dry-run move writes nothing');
  const m = await h.planner.moveVm(vm!.id, 'test', {
    features: ['secure-os'],
    size: { vcpus: 2, memoryMib: 256, vmClass: 'medium' },
    generation: vm!.generation,
  });
  t.ok(m.moved);
  const [moved] = await h.vmsOf(set);
  t.equal(moved!.hostId, secure, 'on the host offering secure-os');
  t.equal(moved!.spec!.vcpus, 2, 'at its new size');
  t.equal(h.planner.fleet.slot(secure)!.guaranteed.vcpus, 2);
  t.equal(h.planner.fleet.slot(vm!.hostId)!.guaranteed.vcpus, 0, 'its old host freed');

  const like = await h.planner.addVmLike(moved!, { vcpus: 1, memoryMib: 64, vmClass: 'small' }, []);
  t.equal(like.setId, set, 'in the same set');
  t.equal(like.spec!.memoryMib, 64);
  t.equal((await h.vmsOf(set)).length, 2);
  const tenant = (await h.store.get<{ usage: { vms: number; vcpus: number } }>(TENANTS, 'default'))!.value;
  t.same([tenant.usage.vms, tenant.usage.vcpus], [2, 3], 'admitted against the quota');
  t.not(like.hostId, '', 'placed');
});

t.test(
  'a qemu vm moves cold: its disk exported first, then re-placed where the features are, at its new size',
  async (t) => {
    const h = await PlannerHarness.open({
      hosts: [
        { name: 'a', schemes: ['qemu'] },
        { name: 'secure', schemes: ['qemu'], labels: { 'secure-os': 'true' } },
      ],
      transfersDir: tmpDir(),
    });
    t.teardown(() => h.close());
    const [a, secure] = h.ids as [string, string];
    await h.planner.useHostFeatures((rec) => Object.keys(rec.labels ?? {}).filter((k) => rec.labels![k] === 'true'));
    const set = await h.createSet({ count: 1, spec: { scheme: 'qemu', memoryMib: 256 } });
    const [vm] = await h.vmsOf(set);
    t.equal(vm!.hostId, a);
    const x = { features: ['secure-os'], size: { vcpus: 2, memoryMib: 512, vmClass: 'medium' }, generation: 1 };
    t.ok((await h.planner.moveVm(vm!.id, 'reclass', x)).moved, 'started');
    const [exporting] = await h.vmsOf(set);
    t.ok(exporting!.exportDisk, 'its host exports the disk first');
    t.equal(exporting!.hostId, a, 'still where it was');
    t.same(exporting!.moveChange, { features: ['secure-os'], size: x.size }, 'where it goes is on the record');
    await h.planner.finishExport(exporting!.exportDisk!);
    const [moved] = await h.vmsOf(set);
    t.equal(moved!.hostId, secure, 'on the host offering secure-os');
    t.equal(moved!.importDisk, exporting!.exportDisk, 'created from its own disk');
    t.equal(moved!.spec!.vcpus, 2, 'at its new size');
    t.equal(moved!.moveChange, undefined, 'the move is done');
    t.equal(h.planner.fleet.slot(secure)!.guaranteed.vcpus, 2);
  },
);
