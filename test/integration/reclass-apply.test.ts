// ApplyRecommendation through the real CLI against a real controller and REAL
// agent processes (process scheme): a live resize (the cgroup limits change, the
// appliance process stays), a move to the host offering the required feature,
// a new VM of the target size replacing the old one, a reassignment onto an
// existing VM; stale and over-quota recommendations refused (naming id / the
// quota) with nothing written; a dry run writes nothing. Recommendations are
// written into the controller's store as recommend would store them (that part
// is built in parallel); the controller is restarted over them.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, hostIdOf, joinToken, startAgent, startController, type ControllerProc } from '../helpers/procs.js';
import { hostsReady } from '../helpers/procs.js';
import { httpGet, processesWith, vmApi } from '../helpers/vms.js';
import type { Vm } from '../../common/gen/nephele/v1/Vm.js';
import { LevelStore, put } from '../../common/store/index.js';
import { RECOMMENDATIONS, type RecommendationRecord } from '../../controller/model/reclass.js';
import type { VmRecord } from '../../controller/model/vm.js';
import { VMS } from '../../controller/vms/registry.js';
import { vmSpecHash } from '../../controller/reclass/spec-hash.js';
import { ulid } from '../../common/ids.js';
import { recommendation } from '../helpers/reclass-records.js';

const spec = { scheme: 'process', vcpus: 1, memoryMib: 64, diskGib: 1, config: { title: 'reclass me' } };

/** A recommendation as recommend stores it, for `vm` as it is now. */
function recFor(
  vm: VmRecord,
  kind: RecommendationRecord['kind'],
  target: Partial<RecommendationRecord['target']>,
  o: Partial<RecommendationRecord> = {},
): RecommendationRecord {
  const base = recommendation();
  return recommendation({
    id: ulid(),
    vmId: vm.id,
    vmName: vm.name,
    setId: vm.setId,
    tenant: vm.tenant,
    kind,
    target: { ...base.target, vmClass: 'medium', vcpus: vm.spec!.vcpus, memoryMib: vm.spec!.memoryMib, ...target },
    vmGeneration: vm.generation,
    vmSpecHash: vmSpecHash(vm.spec!),
    vcpus: vm.spec!.vcpus,
    memoryMib: vm.spec!.memoryMib,
    vmClass: vm.spec!.vmClass ?? '',
    ...o,
  });
}

/** A state as --json prints it (the proto name, or the short name where the CLI maps reclass enums). */
const stateWord = (s: string) => s.replace(/^RECOMMENDATION_STATE_/, '').toLowerCase();

/** Stops the controller, lets `fn` read and write its store, starts it again on the same port. */
async function offline<T>(
  ctl: ControllerProc,
  fn: (s: LevelStore) => Promise<T>,
): Promise<{ ctl: ControllerProc; out: T }> {
  await ctl.stop();
  const s = await LevelStore.open(join(ctl.dataDir, 'store'));
  let out: T;
  try {
    out = await fn(s);
  } finally {
    await s.close();
  }
  return { ctl: await startController(ctl.dataDir, { port: ctl.port }), out };
}

/** What apply may write, as the API shows it: the recommendations, the VMs' size and place, the tenant's usage. */
async function snapshot(ctl: ControllerProc, recIds: string[]): Promise<string> {
  const a = ctl.admin();
  try {
    const rows: unknown[] = [];
    for (const id of recIds)
      rows.push(
        (
          await a.call<{ recommendation: unknown }>((md, o, cb) =>
            a.reclass.GetRecommendation({ id }, md, o, cb as never),
          )
        ).recommendation,
      );
    const vms = await a.call<{ vms: Vm[] }>((md, o, cb) => a.vms.ListVms({ pageSize: 1000 }, md, o, cb as never));
    for (const v of vms.vms) rows.push([v.id, v.spec, v.generation, v.hostId, v.desired]);
    rows.push(
      (
        await a.call<{ tenant: { usage: unknown } }>((md, o, cb) =>
          a.auth.GetTenant({ tenant: 'default' }, md, o, cb as never),
        )
      ).tenant.usage,
    );
    return JSON.stringify(rows, null, 1);
  } finally {
    a.close();
  }
}

/** The CPU quota (µs per 100 ms) and memory limit of a process VM's cgroup (v2 or v1). */
function cgroupLimits(vmId: string): { cpu: string; memory: string } | undefined {
  const v2 = join('/sys/fs/cgroup/nephele', vmId);
  if (existsSync(join(v2, 'cpu.max')))
    return {
      cpu: readFileSync(join(v2, 'cpu.max'), 'utf8').trim().split(' ')[0]!,
      memory: readFileSync(join(v2, 'memory.max'), 'utf8').trim(),
    };
  const c = join('/sys/fs/cgroup/cpu/nephele', vmId, 'cpu.cfs_quota_us');
  const m = join('/sys/fs/cgroup/memory/nephele', vmId, 'memory.limit_in_bytes');
  if (existsSync(c)) return { cpu: readFileSync(c, 'utf8').trim(), memory: readFileSync(m, 'utf8').trim() };
  return undefined;
}

t.test('reclass apply: resize live, stale, over quota, dry run, move, new vm, reassign', async (t) => {
  const cdir = tmpDir();
  let ctl = await startController(cdir);
  const adir = tmpDir();
  const bdir = tmpDir();
  const room = ['--guest-vcpus', '16', '--reserve-cpus', '0'];
  const agentA = startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), name: 'plain', args: room });
  const agentB = startAgent(ctl.address, bdir, {
    joinToken: await joinToken(ctl),
    name: 'secure',
    args: [...room, '--label', 'secure-os=true'],
  });
  t.teardown(async () => {
    await agentA.kill();
    await agentB.kill();
    await ctl.kill();
    for (const pid of [...processesWith(adir), ...processesWith(bdir)]) process.kill(pid, 'SIGKILL');
  });
  await hostsReady(ctl, 2);
  const hostA = hostIdOf(adir);
  const hostB = hostIdOf(bdir);
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);

  let api = vmApi(ctl);
  const v1 = await api.create(hostA, spec, { name: 'resize-me' });
  const v2 = await api.create(hostA, spec, { name: 'move-me' });
  const v3 = await api.create(hostA, spec, { name: 'replace-me' });
  const v4 = await api.create(hostA, { ...spec, config: { title: 'the source serves this' } }, { name: 'source' });
  const v5 = await api.create(hostA, { ...spec, config: { title: 'target' } }, { name: 'target' });
  for (const v of [v1, v2, v3, v4, v5]) await api.waitState(v.id, 'VM_STATE_RUNNING');
  api.close();
  const pidsBefore = processesWith(v1.id);
  t.equal(pidsBefore.length, 1, 'one appliance process for the vm to resize');
  t.same(cgroupLimits(v1.id)?.cpu, '100000', 'it runs under a 1-vcpu cgroup limit');

  const ids: Record<string, string> = {};
  ({ ctl } = await offline(ctl, async (s) => {
    const vm = async (id: string) => (await s.get<VmRecord>(VMS, id))!.value;
    const recs = [
      recFor(await vm(v1.id), 'resize', { vcpus: 2, memoryMib: 128 }),
      recFor(await vm(v1.id), 'resize', { vcpus: 2, memoryMib: 128 }, { vmGeneration: 99 }),
      recFor(await vm(v1.id), 'resize', { vcpus: 2, memoryMib: 128 }),
      recFor(await vm(v2.id), 'move', { features: ['secure-os'] }),
      recFor(await vm(v3.id), 'new_vm', { vcpus: 2, memoryMib: 96, vmClass: 'small' }),
      recFor(await vm(v4.id), 'reassign', { kind: 'vm', vmId: v5.id, vmClass: '' }),
      // Left applying by a controller that stopped mid-way.
      recFor(await vm(v5.id), 'resize', { vcpus: 2 }, { state: 'applying' }),
    ];
    [ids.resize, ids.stale, ids.quota, ids.move, ids.newVm, ids.reassign, ids.interrupted] = recs.map((r) => r.id);
    for (const r of recs) await s.batch([put(RECOMMENDATIONS, r.id, r)]);
  }));
  await hostsReady(ctl, 2);

  // Restarted over a record left applying: failed, with the reason (never applying for ever).
  const interrupted = await run('reclass', 'apply', ids.interrupted!);
  t.equal(interrupted.code, 1);
  t.match(interrupted.stderr, /cannot be applied: it is failed/, 'an interrupted apply is failed at start');

  // Stale: the VM's generation is not the one recommended for → FAILED_PRECONDITION naming id, marked stale.
  const stale = await run('reclass', 'apply', ids.stale!);
  t.equal(stale.code, 1, 'stale: exit 1');
  t.equal(stale.stdout, '', 'nothing on stdout');
  t.match(stale.stderr, /FAILED_PRECONDITION/);
  t.match(stale.stderr, /id: the recommendation is stale/);
  const staleShow = await run('--json', 'reclass', 'apply', ids.stale!);
  t.match(staleShow.stderr, /cannot be applied: it is stale/, 'and it is marked stale');

  // Bad input names the field; another tenant does not see the recommendation.
  const bad = await run('reclass', 'apply', 'not-an-id');
  t.equal(bad.code, 1);
  t.match(bad.stderr, /INVALID_ARGUMENT.*id: is not a valid id/);
  t.equal((await run('tenant', 'create', 'other')).code, 0);
  const tok = await run('-q', 'token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'other');
  t.equal(tok.code, 0, tok.stderr);
  const foreign = await run('--token', tok.stdout.trim(), 'reclass', 'apply', ids.move!, '--dry-run');
  t.equal(foreign.code, 1);
  t.match(foreign.stderr, /NOT_FOUND.*recommendation not found/, "another tenant's recommendation is not found");

  // Over quota: RESOURCE_EXHAUSTED naming the quota; nothing written (checked in the store below).
  const quota = await run('tenant', 'quota', 'default', '--vcpus', String(5));
  t.equal(quota.code, 0, quota.stderr);
  const over = await run('reclass', 'apply', ids.quota!);
  t.equal(over.code, 1, 'over quota: exit 1');
  t.match(over.stderr, /RESOURCE_EXHAUSTED/);
  t.match(over.stderr, /quota vcpus exceeded/);
  t.equal((await run('tenant', 'quota', 'default', '--vcpus', '0')).code, 0);

  // Dry run: steps planned, exit 0, nothing written (the store scan before/after is in test/unit/reclass-apply).
  const before = await snapshot(ctl, Object.values(ids));
  const dry = await run('--json', 'reclass', 'apply', ids.resize!, '--dry-run');
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stderr, /dry run: nothing was written/);
  const dj = JSON.parse(dry.stdout) as { recommendation: { state: string }; steps: { name: string; state: string }[] };
  t.equal(stateWord(dj.recommendation.state), 'open');
  t.same(
    dj.steps.map((s) => `${s.name}:${s.state}`),
    ['reserve:planned', 'resize:planned', 'wait:planned'],
  );
  const over2 = await run('reclass', 'apply', ids.quota!, '--dry-run');
  t.equal(over2.code, 0, 'a dry run of the same resize passes with the quota lifted');
  t.equal(
    await snapshot(ctl, Object.values(ids)),
    before,
    'recommendations, vms and quota usage as before the dry runs',
  );

  // When: the set's maintenance window (none: FAILED_PRECONDITION naming when), or a time (scheduled).
  const win = await run('reclass', 'apply', ids.quota!, '--when', 'window');
  t.equal(win.code, 1);
  t.match(win.stderr, /FAILED_PRECONDITION.*when: the vm's set has no maintenance window/);
  const at = Date.now() + 3_600_000;
  const sch = await run('--json', 'reclass', 'apply', ids.quota!, '--when', `at=${at}`);
  t.equal(sch.code, 0, sch.stderr);
  const sj = JSON.parse(sch.stdout) as { recommendation: { state: string; scheduledUnixMs: string } };
  t.equal(stateWord(sj.recommendation.state), 'scheduled', 'scheduled, not applied');
  t.equal(Number(sj.recommendation.scheduledUnixMs), at);
  const human = await run('reclass', 'apply', ids.quota!, '--when', 'at=+2h', '--dry-run');
  t.equal(human.code, 0, human.stderr);
  t.match(human.stdout, /state:\s+scheduled/, 'a human view on stdout');
  t.match(human.stdout, /steps:\s+reserve: planned/);
  const badWhen = await run('reclass', 'apply', ids.quota!, '--when', 'later');
  t.equal(badWhen.code, 1);
  t.match(badWhen.stderr, /--when: now, window or at=TIME/);
  t.equal(badWhen.stdout, '');

  // Resize live: the cgroup limits change, the appliance process stays.
  const rs = await run('--json', 'reclass', 'apply', ids.resize!, '--wait', '--timeout', '60s');
  t.equal(rs.code, 0, rs.stderr);
  t.equal(stateWord(JSON.parse(rs.stdout).recommendation.state), 'applied');
  t.same(cgroupLimits(v1.id), { cpu: '200000', memory: String(128 * 2 ** 20) }, 'new cgroup limits');
  t.same(processesWith(v1.id), pidsBefore, 'the same process: not restarted');
  api = vmApi(ctl);
  const r1 = await api.get(v1.id);
  t.equal(r1.spec?.vcpus, 2);
  t.equal(Number(r1.spec?.memoryMib), 128);
  t.equal(r1.state, 'VM_STATE_RUNNING');
  const evs = await run('--json', 'events', 'tail', '--type', 'reclass.apply.', '-n', '50');
  t.equal(evs.code, 0, evs.stderr);
  const steps = evs.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; message: string; attributes: Record<string, string> })
    .filter((e) => e.attributes.recommendation_id === ids.resize);
  t.same(
    steps.map((e) => e.type),
    [
      'reclass.apply.started',
      'reclass.apply.reserve',
      'reclass.apply.resize',
      'reclass.apply.wait',
      'reclass.apply.applied',
    ],
    'an event at each step',
  );
  t.ok(
    steps.every((e) => e.attributes.vm_id === v1.id && !e.message.includes(v1.id)),
    'vm_id attribute, not in the text',
  );
  const again = await run('reclass', 'apply', ids.quota!);
  t.match(again.stderr, /stale: the vm was changed since/, 'the other recommendation for the old size is stale now');

  // Move: to the host labelled secure-os=true.
  const mv = await run('--json', 'reclass', 'apply', ids.move!, '--wait', '--timeout', '60s');
  t.equal(mv.code, 0, mv.stderr);
  const moved = await api.get(v2.id);
  t.equal(moved.hostId, hostB, 'moved to the host offering secure-os');
  t.equal(moved.state, 'VM_STATE_RUNNING');
  t.match((await httpGet(moved.hostPort)).body, /reclass me/, 'and it serves there');

  // New VM: the target size beside it, then the old one retired.
  const nv = await run('--json', 'reclass', 'apply', ids.newVm!, '--wait', '--timeout', '60s');
  t.equal(nv.code, 0, nv.stderr);
  const newId = JSON.parse(nv.stdout).recommendation.newVmId as string;
  t.ok(newId && newId !== v3.id, 'a new vm');
  const fresh = await api.get(newId);
  t.equal(fresh.spec?.vcpus, 2);
  t.equal(Number(fresh.spec?.memoryMib), 96);
  t.match((await httpGet(fresh.hostPort)).body, /reclass me/, 'the new vm serves the same appliance');
  await waitFor(async () => (await api.list()).every((v) => v.id !== v3.id || v.state === 'VM_STATE_DESTROYED'), {
    timeoutMs: 30_000,
    message: 'old vm retired',
  });

  // Reassign: the source's config onto the target, the source retired.
  const ra = await run('--json', 'reclass', 'apply', ids.reassign!, '--wait', '--timeout', '60s');
  t.equal(ra.code, 0, ra.stderr);
  const target = await api.get(v5.id);
  await waitFor(async () => /the source serves this/.test((await httpGet(target.hostPort)).body), {
    timeoutMs: 30_000,
    message: 'target serves the source config',
  });
  await waitFor(async () => (await api.list()).every((v) => v.id !== v4.id || v.state === 'VM_STATE_DESTROYED'), {
    timeoutMs: 30_000,
    message: 'source retired',
  });
  api.close();
});
