import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { statusOf } from '../helpers/status.js';
import {
  FAST,
  joinToken,
  listHosts,
  startAgent,
  startController,
  type ControllerProc,
  type Proc,
} from '../helpers/procs.js';
import { killWith } from '../helpers/vms.js';
import { setApi } from '../helpers/sets.js';

// Sets in time, with a real controller and agent: bad requests, an `at` start
// (also across a controller restart), a duration that retires the set, a task
// set that ends when its tasks are done, and a batch window that waits for
// capacity.

const spec = { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 };

t.test('set timing: bad requests, at, restart, duration, task, batch window', async (t) => {
  const cdir = tmpDir();
  let ctl: ControllerProc = await startController(cdir, { args: [...FAST, '--replace-after', '1s'] });
  const adir = tmpDir();
  const agent: Proc = startAgent(ctl.address, adir, {
    joinToken: await joinToken(ctl),
    args: ['--schemes', 'process', '--guest-vcpus', '8', '--reserve-memory', '256M'],
  });
  let api = setApi(ctl);
  t.teardown(async () => {
    api.close();
    await agent.kill();
    await ctl.kill();
    killWith(adir);
  });
  await waitFor(
    async () =>
      (await listHosts(ctl))[0]?.state === 'HOST_STATE_READY' &&
      (await listHosts(ctl))[0]?.inventory?.guest?.vcpus === 8,
    { timeoutMs: 30_000, message: 'agent ready with its inventory' },
  );

  await t.test('bad requests name the field', async (t) => {
    const now = Date.now();
    const cases: [string, Record<string, unknown>, string][] = [
      ['no set', null as never, 'set'],
      ['zero count', { count: 0, spec }, 'set.count'],
      ['huge count', { count: 10_001, spec }, 'set.count'],
      ['no spec', { count: 1 }, 'set.spec'],
      ['unknown scheme', { count: 1, spec: { ...spec, scheme: 'xen' } }, 'set.spec.scheme'],
      ['zero vcpus', { count: 1, spec: { ...spec, vcpus: 0 } }, 'set.spec.vcpus'],
      ['memory under the minimum', { count: 1, spec: { ...spec, memoryMib: 8 } }, 'set.spec.memory_mib'],
      [
        'qemu in the preference, memory too small for it',
        { count: 1, spec: { ...spec, scheme: '' }, schemePreference: ['qemu', 'process'] },
        'set.spec.memory_mib',
      ],
      ['unknown preferred scheme', { count: 1, spec, schemePreference: ['vmware'] }, 'set.scheme_preference[0]'],
      ['unknown group', { count: 1, spec, group: 'nope' }, 'set.group'],
      ['bad label key', { count: 1, spec, labels: { 'Bad Key': 'x' } }, 'set.labels'],
      ['task end without a task', { count: 1, spec, endOnTask: true }, 'set.spec.config.task'],
      ['duration too long', { count: 1, spec, durationS: 10 ** 9 }, 'set.duration_s'],
      ['start two years ahead', { count: 1, spec, startAtUnixMs: now + 2 * 366 * 86_400_000 }, 'set.start_at_unix_ms'],
      ['unknown tenant', { count: 1, spec, tenant: 'nobody' }, 'set.tenant'],
      ['bad set name', { count: 1, spec, name: 'Not A Name' }, 'set.name'],
    ];
    for (const [what, set, field] of cases) {
      const err = await statusOf(set === null ? api.create(undefined as never) : api.create(set as never));
      t.equal(err.code, grpc.status.INVALID_ARGUMENT, `${what}: INVALID_ARGUMENT`);
      t.match(err.details, new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}:`), `${what}: names ${field}`);
    }
    const bad = async (p: Promise<unknown>, field: string, what: string) => {
      const err = await statusOf(p);
      t.equal(err.code, grpc.status.INVALID_ARGUMENT, `${what}: INVALID_ARGUMENT`);
      t.match(err.details, new RegExp(`^${field}:`), `${what}: names ${field}`);
    };
    await bad(api.get('nope'), 'set_id', 'GetVmSet with a malformed id');
    await bad(api.plan(''), 'set_id', 'GetPlan without an id');
    await bad(api.scale('01ARZ3NDEKTSV4RRFFQ69G5FAV', 20_000), 'count', 'ScaleVmSet beyond the limit');
    await bad(api.del('x'), 'set_id', 'DeleteVmSet with a malformed id');
    await bad(api.drain('x'), 'host_id', 'DrainHost with a malformed id');
    t.equal(
      (await statusOf(api.get('01ARZ3NDEKTSV4RRFFQ69G5FAV'))).code,
      grpc.status.NOT_FOUND,
      'an unknown set is NOT_FOUND',
    );
    t.equal((await api.list()).length, 0, 'no bad request stored anything');
  });

  await t.test('tenants: own sets only, quota admitted with the set', async (t) => {
    const admin = ctl.admin();
    for (const name of ['acme', 'globex'])
      await admin.call((md, o, cb) => admin.auth.CreateTenant({ name }, md, o, cb));
    await admin.call((md, o, cb) =>
      admin.auth.SetTenantQuota({ tenant: 'acme', quota: { vcpus: 0, memoryBytes: 0, vms: 2, images: 0 } }, md, o, cb),
    );
    const tok = async (tenant: string) =>
      (
        await admin.call<{ secret: string }>((md, o, cb) =>
          admin.auth.CreateToken({ kind: 'TOKEN_KIND_API', role: 'tenant-admin', tenant }, md, o, cb as never),
        )
      ).secret;
    const acmeTok = await tok('acme');
    const globexTok = await tok('globex');
    admin.close();
    const { AdminClient } = await import('../../controller/cli/client.js');
    const as = (token: string) => new AdminClient({ controller: ctl.address, dataDir: ctl.dataDir, token });
    const acme = as(acmeTok);
    const globex = as(globexTok);
    t.teardown(() => {
      acme.close();
      globex.close();
    });
    const mine = (
      await acme.call<{ set: { id: string; tenant: string } }>((md, o, cb) =>
        acme.vms.CreateVmSet({ set: { name: 'own', count: 2, spec } }, md, o, cb as never),
      )
    ).set;
    t.equal(mine.tenant, 'acme', "a tenant's set lands in its tenant");
    t.equal((mine as { placed?: number }).placed, 2, 'placed');
    const over = await statusOf(
      acme.call((md, o, cb) => acme.vms.CreateVmSet({ set: { name: 'more', count: 1, spec } }, md, o, cb as never)),
    );
    t.equal(over.code, grpc.status.RESOURCE_EXHAUSTED, 'past the quota: RESOURCE_EXHAUSTED');
    t.match(over.details, /quota vms exceeded/, 'naming the quota');
    const foreign = await statusOf(
      globex.call((md, o, cb) => globex.vms.GetVmSet({ setId: mine.id }, md, o, cb as never)),
    );
    const missing = await statusOf(
      globex.call((md, o, cb) => globex.vms.GetVmSet({ setId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, md, o, cb as never)),
    );
    t.equal(foreign.code, grpc.status.NOT_FOUND, "another tenant's set is NOT_FOUND");
    t.same(foreign, missing, 'exactly like a missing one');
    t.equal(
      (await statusOf(globex.call((md, o, cb) => globex.vms.GetPlan({ setId: mine.id }, md, o, cb as never)))).code,
      grpc.status.NOT_FOUND,
      'its plan too',
    );
    t.equal(
      (await statusOf(globex.call((md, o, cb) => globex.vms.DeleteVmSet({ setId: mine.id }, md, o, cb as never)))).code,
      grpc.status.NOT_FOUND,
      'and it cannot be deleted',
    );
    t.same(
      (
        await globex.call<{ sets: unknown[] }>((md, o, cb) =>
          globex.vms.ListVmSets({ pageSize: 100 }, md, o, cb as never),
        )
      ).sets,
      [],
      'nor listed',
    );
    t.equal(
      (await acme.call<{ sets: unknown[] }>((md, o, cb) => acme.vms.ListVmSets({ pageSize: 100 }, md, o, cb as never)))
        .sets.length,
      1,
      'its owner lists it',
    );
    const cross = await statusOf(
      acme.call((md, o, cb) =>
        acme.vms.CreateVmSet({ set: { name: 'x', count: 1, spec, tenant: 'globex' } }, md, o, cb as never),
      ),
    );
    t.equal(cross.code, grpc.status.PERMISSION_DENIED, 'no sets in another tenant');
    await acme.call((md, o, cb) => acme.vms.DeleteVmSet({ setId: mine.id }, md, o, cb as never));
    await api.waitSet(mine.id, (s) => s.state === 'VM_SET_STATE_RETIRED', 'acme set retired');
    t.same(
      (await api.tenants()).find((x) => x.name === 'acme')!.usage,
      { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 },
      'its quota given back',
    );
  });

  const startAt = Date.now() + 3000;
  const at = (await api.create({ name: 'later', count: 2, spec, startAtUnixMs: startAt })).set!;
  t.equal(at.state, 'VM_SET_STATE_SCHEDULED', 'an at-set waits');
  t.equal(at.placed, 0, 'with nothing placed');
  const started = await api.waitSet(at.id, (s) => s.running === 2, 'at-set running', 30_000);
  t.ok(started.startedUnixMs >= startAt, `started at its time (${started.startedUnixMs - startAt} ms after)`);

  // The timers come back after a controller restart.
  // 10 s: a controller stop + start on a loaded 2-core CI box has taken over 4 s.
  const at2 = (await api.create({ name: 'after-restart', count: 1, spec, startAtUnixMs: Date.now() + 10_000 })).set!;
  api.close();
  await ctl.stop();
  ctl = await startController(cdir, { port: ctl.port, args: [...FAST, '--replace-after', '1s'] });
  api = setApi(ctl);
  t.equal((await api.get(at2.id)).state, 'VM_SET_STATE_SCHEDULED', 'still scheduled after the restart');
  const s2 = await api.waitSet(at2.id, (s) => s.running === 1, 'at-set started by the restarted controller', 30_000);
  t.ok(s2.startedUnixMs >= at2.request!.startAtUnixMs, 'at its time');

  // duration: retired by itself.
  const short = (await api.create({ name: 'short', count: 1, spec, durationS: 2 })).set!;
  t.ok(short.expiresUnixMs > 0, 'has an expiry');
  const gone = await api.waitSet(short.id, (s) => s.state === 'VM_SET_STATE_RETIRED', 'duration set retired', 30_000);
  t.equal(gone.stateReason, 'its duration ended', 'because its duration ended');
  t.ok(gone.retiredUnixMs >= short.expiresUnixMs, 'not before its expiry');

  // task: ends when each VM reports its task done.
  const task = (
    await api.create({ name: 'job', count: 2, spec: { ...spec, config: { task: 'sleep 1; exit 0' } }, endOnTask: true })
  ).set!;
  const done = await api.waitSet(task.id, (s) => s.state === 'VM_SET_STATE_RETIRED', 'task set retired', 30_000);
  t.equal(done.stateReason, 'every task is done', 'when every task is done');

  // batch window: waits for capacity, placed when it frees.
  for (const s of await api.list()) if (s.state !== 'VM_SET_STATE_RETIRED') await api.del(s.id);
  await waitFor(async () => (await api.hosts()).every((h) => h.vmCount === 0), {
    timeoutMs: 30_000,
    message: 'host empty before the batch window',
  });
  const big = (await api.create({ name: 'hog', count: 1, spec: { ...spec, vcpus: 8 } })).set!;
  const waiting = (await api.create({ name: 'patient', count: 1, spec: { ...spec, vcpus: 4 }, batchWindowS: 120 }))
    .set!;
  t.equal(waiting.state, 'VM_SET_STATE_WAITING', 'waits in its batch window');
  t.match(waiting.reasons.join(';'), /not enough vcpus/, 'saying why');
  await api.del(big.id);
  const placed = await api.waitSet(waiting.id, (s) => s.running === 1, 'placed once capacity freed', 30_000);
  t.equal(placed.state, 'VM_SET_STATE_PLACED');
  await api.del(waiting.id);
  await waitFor(async () => (await api.hosts()).every((h) => h.vmCount === 0), {
    timeoutMs: 30_000,
    message: 'host empty',
  });

  // Best-effort work overcommits (ratio 2: 16 vCPUs on this 8-vCPU host) and is preempted by guaranteed work.
  const be = (await api.create({ name: 'scavenger', count: 14, spec, sla: 'SLA_BEST_EFFORT' })).set!;
  t.equal(be.placed, 14, 'best-effort set overcommits the host');
  const g = (await api.create({ name: 'paying', count: 6, spec, sla: 'SLA_GUARANTEED' })).set!;
  t.equal(g.placed, 6, 'guaranteed work is placed regardless of best-effort reservations');
  const shrunk = await api.waitSet(
    be.id,
    (s) => s.placed === 10,
    'best-effort set preempted down to the overcommit limit',
    30_000,
  );
  t.equal(shrunk.placed + g.placed, 16, 'exactly back to 2 × 8 vCPUs');
  await waitFor(async () => (await api.hosts())[0]!.vmCount === 16, {
    timeoutMs: 30_000,
    message: 'preempted VMs destroyed',
  });
  for (const s of await api.list()) if (s.state !== 'VM_SET_STATE_RETIRED') await api.del(s.id);
  await waitFor(async () => (await api.hosts()).every((h) => h.vmCount === 0), {
    timeoutMs: 30_000,
    message: 'all capacity back',
  });
  t.same(
    (await api.tenants()).find((x) => x.name === 'default')!.usage,
    { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 },
    'quota back to zero',
  );
});
