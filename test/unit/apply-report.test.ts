// VmRegistry.applyReport: a host's VM report is observed, committed with the
// host's own ops and told to the listeners in one step (or not at all).
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { LevelStore, absent, at, put, isConflict } from '../../common/store/index.js';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { EventLog } from '../../controller/events/log.js';
import { Tenants } from '../../controller/tenancy/tenants.js';
import { lifecycleEvent, VmRegistry, VMS_BY_HOST, type Observed } from '../../controller/vms/registry.js';
import type { VmReport as VmStatusReport } from '../../controller/model/index.js';
import type { VmSpec__Output as VmSpec } from '../../common/gen/nephele/v1/VmSpec.js';
import { tmpDir } from '../helpers/tmp.js';

const HOST = '01HZZZZZZZZZZZZZZZZZZZZZZA';
const OTHER = '01HZZZZZZZZZZZZZZZZZZZZZZB';
const MARK = 'test-host-marks';

async function setup(t: Test) {
  const store = await LevelStore.open(join(tmpDir(), 'db'));
  t.teardown(() => store.close());
  const clock = new FakeClock();
  const events = await EventLog.open(store, clock, silentLogger);
  const tenants = new Tenants(store, events, clock);
  await tenants.create('acme', '', { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 });
  const vms = new VmRegistry(store, events, clock, tenants);
  const seen: Observed[] = [];
  vms.onObserved((o) => seen.push(o));
  const spec = { vcpus: 1, memoryMib: 128, scheme: 'process' } as VmSpec;
  const { vm } = await vms.create({ name: 'a', hostId: HOST, tenant: 'acme', spec, sla: 'best_effort' });
  const report = (o: Partial<VmStatusReport> & { seq?: number }): VmStatusReport =>
    ({
      vmId: vm.id,
      state: 'running',
      generation: 1,
      reason: '',
      hostPort: 0,
      guestReady: false,
      timeUnixMs: 0,
      taskDone: false,
      ...o,
    }) as VmStatusReport;
  /** The host's own write for this report: a marker, fenced on not existing yet. */
  const hostOps = (seq: number) => ({ ops: [put(MARK, `${seq}`, { seq })], pre: [absent(MARK, `${seq}`)] });
  return { store, events, vms, vm, seen, report, hostOps };
}

t.test('a report lands with the host ops in one batch, and the listeners hear of it once', async (t) => {
  const { store, events, vms, vm, seen, report, hostOps } = await setup(t);
  const r = await vms.applyReport(HOST, report({ seq: 1 }), hostOps(1));
  t.ok(r && !('ignored' in r), 'observed');
  t.equal((await vms.get(vm.id)).vm.state, 'running', 'the VM record changed');
  t.ok(await store.get(MARK, '1'), 'the host ops were committed with it');
  t.equal(seen.length, 1, 'the listeners were told once');
  t.equal(seen[0]!.vm.state, 'running');
  const ev = (await events.list(0, 100)).events.filter((e) => e.type === 'vm.state_changed');
  t.equal(ev.length, 1, 'one state event');
  t.equal(ev[0]!.actor, HOST, 'by the reporting host');
});

t.test('a conflict writes nothing and tells no listener (the caller retries)', async (t) => {
  const { store, vms, vm, seen, report } = await setup(t);
  const stale = { ops: [put(MARK, 'x', {})], pre: [at(MARK, 'x', 7)] };
  const err = await vms.applyReport(HOST, report({ seq: 1 }), stale).catch((e) => e);
  t.ok(isConflict(err), 'ConflictError');
  t.equal((await vms.get(vm.id)).vm.state, 'pending', 'the VM record is unchanged');
  t.notOk(await store.get(MARK, 'x'), 'no host op written');
  t.equal(seen.length, 0, 'no listener called');
});

t.test(
  'a report whose VM record an operator changed after it was read is fenced; the retry keeps the change',
  async (t) => {
    const { store, vms, vm, seen, report, hostOps } = await setup(t);
    // The report reads the VM (the store answers from what it last wrote), then the operator's stop commits first.
    const getMany = store.getMany.bind(store);
    let raced = false;
    store.getMany = (async (coll: string, keys: string[]) => {
      const r = await getMany(coll, keys);
      if (!raced) {
        raced = true;
        await vms.setDesired(vm.id, undefined, () => ({ desired: 'stopped' }), lifecycleEvent('stopped'));
      }
      return r;
    }) as typeof store.getMany;
    const err = await vms.applyReport(HOST, report({ seq: 1 }), hostOps(1)).catch((e) => e);
    t.ok(raced && isConflict(err), 'ConflictError: the report was made from the record before the change');
    t.notOk(await store.get(MARK, '1'), 'nothing of the report written');
    t.equal(seen.length, 0, 'no listener called');
    t.match((await vms.get(vm.id)).vm, { desired: 'stopped', state: 'pending' }, 'the operator’s change alone');
    await vms.applyReport(HOST, report({ seq: 1 }), hostOps(1));
    t.match((await vms.get(vm.id)).vm, { desired: 'stopped', state: 'running' }, 'the retry applies on top of it');
  },
);

t.test('a report about a VM never placed on the host: ignored, the host ops still land', async (t) => {
  const { store, vms, vm, seen, report, hostOps } = await setup(t);
  const r = await vms.applyReport(OTHER, report({ seq: 1 }), hostOps(1));
  t.same(r, { ignored: 'the vm was never placed on this host' });
  t.ok(await store.get(MARK, '1'), 'the host durable seq moves on');
  t.equal((await vms.get(vm.id)).vm.state, 'pending');
  t.equal(seen.length, 0);
});

t.test('destroyed: leaves the host index and frees its reservation in the same batch', async (t) => {
  const { store, vms, vm, seen, report, hostOps } = await setup(t);
  t.ok(await store.get(VMS_BY_HOST, `${HOST}/${vm.id}`), 'control: on the host');
  await vms.applyReport(HOST, report({ seq: 2, state: 'destroyed' }), hostOps(2));
  t.notOk(await store.get(VMS_BY_HOST, `${HOST}/${vm.id}`), 'off the host');
  t.equal(seen.length, 1);
  t.equal(seen[0]!.released, true, 'capacity released, once');
});

t.test(
  'an imported (or moved) disk is let go once the VM runs from it, or is destroyed before it ever ran',
  async (t) => {
    for (const state of ['running', 'destroyed'] as const) {
      const { vms, seen, report, hostOps } = await setup(t);
      const spec = { vcpus: 1, memoryMib: 128, scheme: 'qemu' } as VmSpec;
      const { vm } = await vms.create({
        name: 'i',
        hostId: HOST,
        tenant: 'acme',
        spec,
        sla: 'best_effort',
        importDisk: 'T1',
      });
      await vms.applyReport(HOST, report({ vmId: vm.id, state: 'creating' }), hostOps(1));
      t.equal(seen.at(-1)!.imported, '', `${state}: kept while the VM is being created`);
      await vms.applyReport(HOST, report({ vmId: vm.id, state }), hostOps(2));
      t.equal(seen.at(-1)!.imported, 'T1', `${state}: let go`);
      t.equal((await vms.get(vm.id)).vm.importDisk, '', `${state}: the record no longer names it`);
    }
  },
);
