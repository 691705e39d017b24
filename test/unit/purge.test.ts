// Record retention (issue 11, API gaps): which destroyed VMs and retired sets
// are due, under a fake clock, and that a run deletes each with its index
// entries, keeps what is not due, holds quota or still has VMs, and reads a
// bounded slice per run.
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { put, type Store } from '../../common/store/index.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { RecordPurge, setDue, vmDue } from '../../controller/vms/purge.js';
import { VMS, VMS_BY_HOST, VMS_BY_TENANT, type VmRecord } from '../../controller/vms/registry.js';
import { SETS, SETS_BY_TENANT, VMS_BY_SET } from '../../controller/planner/sets.js';
import { RESERVATIONS } from '../../controller/tenancy/tenants.js';
import type { SetRecord } from '../../controller/model/set.js';

const DAY = 86_400_000;

function vm(id: string, o: Partial<VmRecord> = {}): VmRecord {
  return {
    id,
    name: id,
    tenant: 'acme',
    hostId: 'H',
    setId: '',
    spec: { scheme: 'process', vcpus: 1, memoryMib: 128, diskGib: 1, image: 'i', appliancePort: 0, config: {} },
    sla: 'guaranteed',
    desired: 'destroyed',
    state: 'destroyed',
    stateReason: '',
    stateChangedUnixMs: 0,
    createdUnixMs: 0,
    generation: 1,
    rebootCount: 0,
    hostPort: 0,
    guestReady: false,
    placedUnixMs: 0,
    confirmedUnixMs: 0,
    placementAttempts: 1,
    taskDone: false,
    ...o,
  };
}

function set(id: string, o: Partial<SetRecord> = {}): SetRecord {
  return {
    id,
    tenant: 'acme',
    request: {} as SetRecord['request'],
    state: 'retired',
    stateReason: '',
    count: 0,
    reasons: [],
    createdUnixMs: 0,
    startedUnixMs: 0,
    expiresUnixMs: 0,
    windowEndsUnixMs: 0,
    retiredUnixMs: 0,
    nextIndex: 0,
    ...o,
  };
}

async function putVm(s: Store, v: VmRecord): Promise<void> {
  const ops = [put(VMS, v.id, v), put(VMS_BY_TENANT, `${v.tenant}/${v.id}`, 1)];
  if (v.setId) ops.push(put(VMS_BY_SET, `${v.setId}/${v.id}`, 1));
  if (v.state !== 'destroyed') ops.push(put(VMS_BY_HOST, `${v.hostId}/${v.id}`, 1));
  await s.batch(ops);
}

async function putSet(s: Store, r: SetRecord): Promise<void> {
  await s.batch([put(SETS, r.id, r), put(SETS_BY_TENANT, `${r.tenant}/${r.id}`, 1)]);
}

const keys = async (s: Store, coll: string) => {
  const out: string[] = [];
  for await (const { key } of s.scan(coll)) out.push(key);
  return out;
};

t.test('the decision: destroyed (and meant to be) past retention; retired past retention', async (t) => {
  const now = 10 * DAY;
  t.ok(vmDue(vm('a', { stateChangedUnixMs: now - 7 * DAY - 1 }), now, 7 * DAY), 'destroyed 7 days and 1 ms ago');
  t.notOk(vmDue(vm('a', { stateChangedUnixMs: now - 7 * DAY }), now, 7 * DAY), 'exactly at retention: kept');
  t.notOk(vmDue(vm('a', { state: 'stopped', stateChangedUnixMs: 0 }), now, 7 * DAY), 'a stopped VM never');
  t.notOk(vmDue(vm('a', { state: 'failed', stateChangedUnixMs: 0 }), now, 7 * DAY), 'a failed VM never');
  t.notOk(
    vmDue(vm('a', { desired: 'running', stateChangedUnixMs: 0 }), now, 7 * DAY),
    'reported destroyed but wanted running (about to be placed again): kept',
  );
  t.ok(setDue(set('s', { retiredUnixMs: now - 8 * DAY }), now, 7 * DAY), 'retired 8 days ago');
  t.notOk(setDue(set('s', { retiredUnixMs: now - DAY }), now, 7 * DAY), 'retired a day ago');
  t.notOk(setDue(set('s', { state: 'retiring', retiredUnixMs: 0 }), now, 7 * DAY), 'retiring: never');
  t.notOk(setDue(set('s', { state: 'placed' }), now, 7 * DAY), 'a live set: never');
});

t.test('a run on a fake clock purges what is due, with its index entries, and nothing else', async (t) => {
  const clock = new FakeClock(0);
  const s = new MemoryStore();
  await putVm(s, vm('old', { setId: 'S1', stateChangedUnixMs: 0 }));
  await putVm(s, vm('new', { stateChangedUnixMs: 5 * DAY }));
  await putVm(s, vm('live', { state: 'running', desired: 'running', setId: 'S2' }));
  // Destroyed long ago but still holding its quota reservation (it should not): kept, not silently dropped.
  await putVm(s, vm('held', { stateChangedUnixMs: 0 }));
  await s.batch([put(RESERVATIONS, 'acme/held', { demand: { vcpus: 1, memoryBytes: 1, vms: 1, images: 0 } })]);
  await putSet(s, set('S1', { retiredUnixMs: 1 })); // its last VM ('old') goes in the same run, first
  await putSet(s, set('S2', { state: 'placed' }));
  await putSet(s, set('S3', { retiredUnixMs: 1 }));
  await putVm(s, vm('late', { setId: 'S3', stateChangedUnixMs: 6 * DAY })); // S3 keeps it: S3 waits

  const p = new RecordPurge(s, clock, silentLogger, 7 * DAY);
  t.same(await p.run(), { vms: 0, sets: 0 }, 'nothing is due at day 0');
  clock.advance(7 * DAY + 10);
  t.same(await p.run(), { vms: 1, sets: 1 }, 'day 7: the old VM, then its retired set');
  t.same(await keys(s, VMS), ['held', 'late', 'live', 'new']);
  t.same(await keys(s, VMS_BY_TENANT), ['acme/held', 'acme/late', 'acme/live', 'acme/new'], 'its tenant index entry');
  t.same(await keys(s, VMS_BY_SET), ['S2/live', 'S3/late'], 'its set index entry');
  t.same(await keys(s, SETS), ['S2', 'S3'], 'S3 keeps waiting for its VM');
  t.same(await keys(s, SETS_BY_TENANT), ['acme/S2', 'acme/S3']);
  t.same(await keys(s, RESERVATIONS), ['acme/held'], 'the reservation is untouched');
  clock.advance(6 * DAY);
  t.same(await p.run(), { vms: 2, sets: 1 }, "day 13: 'new' and 'late', then S3");
  t.same(await keys(s, VMS), ['held', 'live']);
  t.same(await keys(s, SETS), ['S2']);
  t.same(await keys(s, VMS_BY_HOST), ['H/live'], 'the live VM is whole');
});

t.test('each run reads a bounded slice; the sweep still covers every record', async (t) => {
  const clock = new FakeClock(0);
  const s = new MemoryStore();
  for (let i = 0; i < 10; i++) await putVm(s, vm(`v${i}`));
  clock.advance(2 * DAY);
  const p = new RecordPurge(s, clock, silentLogger, DAY, 4);
  const got = [];
  for (let i = 0; i < 3; i++) got.push((await p.run()).vms);
  t.same(got, [4, 4, 2], 'four records read per run');
  t.same(await keys(s, VMS), []);
});

t.test('on the timer: runs every quarter of the retention', async (t) => {
  const clock = new FakeClock(0);
  const s = new MemoryStore();
  await putVm(s, vm('x'));
  const p = new RecordPurge(s, clock, silentLogger, 8000);
  p.start();
  t.teardown(() => p.stop());
  clock.advance(8000);
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  t.same(await keys(s, VMS), ['x'], 'ticks at 2, 4, 6 and 8 s: not yet due (8 s is not past 8 s)');
  clock.advance(2000);
  for (let i = 0; i < 20 && (await keys(s, VMS)).length; i++) await new Promise((r) => setImmediate(r));
  t.same(await keys(s, VMS), [], 'the tick after it became due purged it');
});
