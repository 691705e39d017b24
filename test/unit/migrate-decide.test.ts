// Cold migration's decisions (controller/schemes/migrate/decide.ts), pure, and the
// run (run.ts) over the in-process planner (PlannerHarness: in-memory store, fake
// clock): the target host and scheme change in one batch with the generation, the
// moved disk is kept until the VM runs healthy there, and a refusal there rolls back.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../common/logger.js';
import { put } from '../../common/store/index.js';
import type { VmRecord } from '../../controller/model/vm.js';
import { exportVerdict, planMigration, verdict } from '../../controller/schemes/migrate/decide.js';
import { Migrations } from '../../controller/schemes/migrate/run.js';
import { VMS } from '../../controller/vms/registry.js';
import { TRANSFERS, type Transfer } from '../../controller/vms/transfers.js';
import { PlannerHarness } from '../helpers/planner-harness.js';

const vmOf = (o: Partial<VmRecord> = {}): VmRecord =>
  ({
    id: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
    name: 'web',
    tenant: 'default',
    hostId: 'A',
    setId: '',
    spec: { scheme: 'qemu', vcpus: 1, memoryMib: 256, diskGib: 1, image: 'x', appliancePort: 0, config: {} },
    desired: 'running',
    state: 'running',
    stateReason: '',
    generation: 3,
    guestReady: true,
    ...o,
  }) as VmRecord;
const host = (schemes: string[], o = {}) => ({ ready: true, cordoned: false, schemes, ...o });

t.test('planMigration: what may go where, and how', async (t) => {
  t.same(planMigration(vmOf(), 'libvirt', 'B', host(['libvirt']), true), {
    fromScheme: 'qemu',
    toScheme: 'libvirt',
    fromHost: 'A',
    carriesDisk: true,
  });
  const p = planMigration(vmOf({ spec: { ...vmOf().spec, scheme: 'process' } }), 'process', '', undefined, false);
  t.equal(p.carriesDisk, false, 'a process vm starts afresh (its host need not be reachable)');
  t.throws(() => planMigration(vmOf(), 'process', '', undefined, true), {
    code: 'FAILED_PRECONDITION',
    message: /qemu vm runs from a disk image, a process vm has none/,
  });
  t.throws(() => planMigration(vmOf({ spec: { ...vmOf().spec, scheme: 'process' } }), 'qemu', '', undefined, true), {
    code: 'FAILED_PRECONDITION',
  });
  t.throws(() => planMigration(vmOf(), 'xen', '', undefined, true), {
    code: 'INVALID_ARGUMENT',
    field: 'target_scheme',
  } as unknown as Error);
  t.throws(() => planMigration(vmOf(), 'qemu', 'A', host(['qemu']), true), {
    field: 'target_host_id',
  } as unknown as Error);
  t.throws(() => planMigration(vmOf(), 'libvirt', 'B', host(['qemu']), true), { message: /does not offer libvirt/ });
  t.throws(() => planMigration(vmOf(), 'qemu', 'B', host(['qemu'], { ready: false }), true), { message: /not ready/ });
  t.throws(() => planMigration(vmOf(), 'qemu', 'B', undefined, true), { message: /no such host/ });
  t.throws(() => planMigration(vmOf(), 'qemu', '', undefined, false), { message: /not reachable/ });
  t.throws(() => planMigration(vmOf({ exportDisk: 'x' }), 'qemu', '', undefined, true), {
    message: /already being moved/,
  });
  t.throws(() => planMigration(vmOf({ migration: { id: 'm', transfer: '' } }), 'qemu', '', undefined, true), {
    message: /already being moved/,
  });
  t.throws(() => planMigration(vmOf({ desired: 'destroyed' }), 'qemu', '', undefined, true), { message: /destroyed/ });
});

t.test('verdict: healthy, failed or still coming up, on a fake clock', async (t) => {
  const at = { hostId: 'B', generation: 4, scheme: 'qemu', deadlineUnixMs: 1000 };
  const there = vmOf({ hostId: 'B', generation: 4, state: 'creating', guestReady: false });
  t.same(verdict(there, at, true, 0), { kind: 'wait' });
  t.same(verdict({ ...there, state: 'running' }, at, true, 0), { kind: 'wait' }, 'a guest must say it is ready');
  t.same(verdict({ ...there, state: 'running', guestReady: true }, at, true, 0), { kind: 'healthy' });
  t.same(verdict({ ...there, state: 'running' }, { ...at, scheme: 'process' }, true, 0), { kind: 'healthy' });
  t.match(verdict({ ...there, state: 'failed', stateReason: 'no' }, at, true, 0), {
    kind: 'failed',
    reason: /could not run it: no/,
  });
  t.match(verdict(there, at, false, 0), { kind: 'failed', reason: /went away/ });
  t.match(verdict(there, at, true, 1001), { kind: 'failed', reason: /not healthy in time/ });
  t.match(verdict({ ...there, generation: 5 }, at, true, 0), { kind: 'failed', reason: /moved by someone else/ });
  t.match(verdict(undefined, at, true, 0), { kind: 'failed' });
  t.same(exportVerdict(vmOf({ exportDisk: 'T' }), 'T', false, 0, 10), { kind: 'wait' });
  t.same(exportVerdict(vmOf({ exportDisk: 'T' }), 'T', true, 0, 10), { kind: 'healthy' });
  t.match(exportVerdict(vmOf({ exportDisk: 'T' }), 'T', false, 11, 10), { kind: 'failed', reason: /in time/ });
  t.match(exportVerdict(vmOf({ exportDisk: '' }), 'T', false, 0, 10), { kind: 'failed', reason: /given up/ });
});

/** Runs `p` while the fake clock moves on; `act` plays the hosts (reports) at each step. */
async function drive<T>(h: PlannerHarness, p: Promise<T>, act: () => Promise<void>): Promise<T | Error> {
  let done = false;
  const r = p.then(
    (v) => ((done = true), v),
    (e: Error) => ((done = true), e),
  );
  for (let i = 0; i < 200 && !done; i++) {
    await act();
    await h.advance(100);
  }
  return r;
}

async function world(t: Test, schemesB: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'mig-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const h = await PlannerHarness.open({
    hosts: [
      { name: 'a', schemes: ['qemu'] },
      { name: 'b', schemes: schemesB },
    ],
    transfersDir: dir,
  });
  t.teardown(() => h.close());
  const m = new Migrations({
    ...{ store: h.store, clock: h.clock, log: silentLogger, events: h.events, planner: h.planner, vms: h.vms },
    transfers: (h.planner as unknown as { c: { transfers: never } }).c.transfers,
    sessions: { pushDesired: (id: string) => void h.pushes.push(id) },
    convertDisk: () => Promise.reject(new Error('not expected')),
    verifyMs: 5_000,
  });
  const [a, b] = h.ids as [string, string];
  const id = await h.createSet({ spec: { scheme: 'qemu' }, group: '' });
  await h.reportAll(id, 'running');
  const vm = (await h.vmsOf(id))[0]!;
  return { h, m, a, b, vm };
}

const get = async (h: PlannerHarness, id: string) => (await h.store.get<VmRecord>(VMS, id))!.value;
/** The source host's upload, as the PutDisk handler completes it. */
async function uploaded(h: PlannerHarness, vm: VmRecord) {
  const v = await get(h, vm.id);
  if (!v.exportDisk) return;
  const t = (await h.store.get<Transfer>(TRANSFERS, v.exportDisk))!.value;
  if (t.state !== 'ready') await h.store.batch([put(TRANSFERS, t.id, { ...t, state: 'ready', sizeBytes: 1 })]);
}

t.test('a qemu vm migrates to libvirt: host and scheme in one batch, disk kept until healthy', async (t) => {
  const { h, m, a, b, vm } = await world(t, ['libvirt']);
  t.equal(vm.hostId, a);
  let transfer = '';
  const r = await drive(h, m.migrate(vm.id, undefined, 'libvirt', b), async () => {
    await uploaded(h, vm);
    const v = await get(h, vm.id);
    if (v.exportDisk) transfer = v.exportDisk;
    if (v.hostId === b && v.state === 'pending') {
      t.equal(v.spec.scheme, 'libvirt', 'the scheme changed with the placement');
      t.equal(v.importDisk, transfer, 'created there from the moved disk');
      await h.report(b, v, 'running');
      t.ok(await h.store.get(TRANSFERS, transfer), 'the disk is kept until the migration ends');
    }
  });
  if (r instanceof Error) throw r;
  t.equal(r.fromHost, a);
  t.equal(r.fromScheme, 'qemu');
  t.equal(r.diskConverted, false, 'qcow2 on both sides');
  const v = await get(h, vm.id);
  t.match(v, { hostId: b, generation: vm.generation + 1, state: 'running', migration: undefined });
  t.equal(await h.store.get(TRANSFERS, transfer), undefined, 'the moved disk dropped once healthy');
  t.equal((await h.eventsOf('vm.migrate_finished')).length, 1);
});

t.test('the target refuses: rolled back to the source, same host, from the same disk', async (t) => {
  const { h, m, a, b, vm } = await world(t, ['libvirt']);
  let refused = false;
  const r = await drive(h, m.migrate(vm.id, undefined, 'libvirt', ''), async () => {
    await uploaded(h, vm);
    const v = await get(h, vm.id);
    if (v.hostId === b && v.state === 'pending' && !refused) {
      refused = true;
      await h.report(b, v, 'failed', 'libvirtd said no');
    }
    if (v.hostId === a && v.state === 'pending' && refused) await h.report(a, v, 'running');
  });
  t.ok(r instanceof Error, 'the call fails');
  t.match((r as Error).message, /rolled back: the target host could not run it: libvirtd said no/);
  const v = await get(h, vm.id);
  t.match(v, { hostId: a, generation: vm.generation + 2, state: 'running', migration: undefined });
  t.equal(v.spec.scheme, 'qemu', 'its scheme back');
  t.equal(h.planner.fleet.slot(b)!.vms, 0, 'nothing held on the target');
  t.equal((await h.eventsOf('vm.migrate_rolled_back')).length, 1);
  t.equal((await h.eventsOf('vm.replaced')).length, 2, 'there and back; never re-placed elsewhere on the refusal');
});

t.test('no host offers the target scheme: refused up front, nothing moved', async (t) => {
  const { h, m, vm } = await world(t, ['qemu']);
  const r = await drive(h, m.migrate(vm.id, undefined, 'libvirt', ''), async () => {});
  t.match(r, { code: 'FAILED_PRECONDITION', message: /no host can take it/ });
  t.match(await get(h, vm.id), { generation: vm.generation, hostId: vm.hostId });
  t.notOk((await get(h, vm.id)).exportDisk, 'no export started');
});

t.test('the export does not finish in time: given up, the vm runs where it was at its generation', async (t) => {
  const { h, m, vm } = await world(t, ['qemu']);
  const slow = new Migrations({ ...(m as unknown as { d: object }).d, exportMs: 2_000 } as never);
  const r = await drive(h, slow.migrate(vm.id, undefined, '', ''), async () => {});
  t.match(r, { message: /rolled back: its disk was not exported in time/ });
  t.match(await get(h, vm.id), { generation: vm.generation, exportDisk: '', hostId: vm.hostId, desired: 'running' });
});

t.test('a controller restart ends open migrations: an export is given up, a re-placed vm stays', async (t) => {
  const { h, m, b, vm } = await world(t, ['libvirt']);
  const fresh = () => new Migrations({ ...(m as unknown as { d: object }).d } as never);
  // Exporting when the controller stopped: the vm runs where it was again, with its own disk.
  void m.migrate(vm.id, undefined, 'libvirt', b).catch(() => {});
  await h.idle();
  t.ok((await get(h, vm.id)).exportDisk, 'exporting');
  t.equal(await fresh().recover(), 1);
  t.match(await get(h, vm.id), { hostId: vm.hostId, generation: vm.generation, moveChange: undefined });
  t.notOk((await get(h, vm.id)).exportDisk, 'the export given up');

  // Re-placed when the controller stopped: an ordinary vm where it went; its moved disk still to be imported.
  const second = m.migrate(vm.id, undefined, 'libvirt', b).catch((e: Error) => e);
  for (let i = 0; i < 20 && (await get(h, vm.id)).hostId !== b; i++) {
    await uploaded(h, vm);
    await h.advance(100);
  }
  const there = await get(h, vm.id);
  t.match(there, { hostId: b, migration: { transfer: there.importDisk } });
  t.equal(await fresh().recover(), 1);
  const after = await get(h, vm.id);
  t.match(after, { hostId: b, migration: undefined, importDisk: there.importDisk });
  t.ok(await h.store.get(TRANSFERS, there.importDisk!), 'its moved disk kept until it runs there');
  await h.report(b, after, 'running');
  t.equal(await h.store.get(TRANSFERS, there.importDisk!), undefined, 'dropped once it ran (the usual way)');
  h.clock.advance(10_000);
  await h.idle();
  await second;
});

t.test('not healthy in time: the target copy is stopped first, then it runs on the source again', async (t) => {
  const { h, m, a, b, vm } = await world(t, ['libvirt']);
  let stoppedThere = false;
  const r = await drive(h, m.migrate(vm.id, undefined, 'libvirt', b), async () => {
    await uploaded(h, vm);
    const v = await get(h, vm.id);
    // The target boots it but its guest never says it is ready.
    if (v.hostId === b && v.state === 'pending') await h.report(b, v, 'creating');
    if (v.hostId === b && v.desired === 'stopped' && v.state !== 'stopped') {
      t.notOk(stoppedThere, 'asked once');
      stoppedThere = true;
      await h.report(b, v, 'stopped');
    }
    if (v.hostId === a && v.state === 'pending') {
      t.ok(stoppedThere, 'the source starts only after the target stopped its copy');
      await h.report(a, v, 'running');
    }
  });
  t.match(r, { message: /rolled back: not healthy in time \(creating/ });
  t.match(await get(h, vm.id), { hostId: a, desired: 'running', state: 'running', generation: vm.generation + 2 });
});
