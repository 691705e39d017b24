import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { hostIdOf, joinToken, listHosts, ROOT, startAgent, startController, type Proc } from '../helpers/procs.js';
import { httpGet, processesWith } from '../helpers/vms.js';
import { setApi } from '../helpers/sets.js';

// One qemu set through the planner: a set of 2 that prefers qemu lands one VM
// as a real TCG guest on the qemu host (its only guest vCPU) and the other on
// the process host, both confirmed and serving; deleting it frees both.

const haveQemu = spawnSync('sh', ['-c', 'command -v qemu-system-x86_64 && command -v qemu-img']).status === 0;
if (!haveQemu && process.env.CI !== 'true') {
  t.comment('SKIPPING planner-qemu: qemu-system-x86_64 / qemu-img not installed (in CI this fails instead)');
  process.exit(0);
}

t.test('a set preferring qemu: one real guest, the rest on the process host', async (t) => {
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!haveQemu) return;
  const build = spawnSync('bash', [join(ROOT, 'scripts/make-guest-image.sh')], { encoding: 'utf8', timeout: 600_000 });
  t.equal(build.status, 0, 'guest image built');
  const ctl = await startController(tmpDir());
  const qdir = tmpDir('ngq-');
  const pdir = tmpDir();
  const agents: Proc[] = [
    startAgent(ctl.address, qdir, { joinToken: await joinToken(ctl), name: 'kvm-host', args: ['--schemes', 'qemu', '--image-dir', join(ROOT, '.cache/guest'), '--guest-vcpus', '1'] }),
    startAgent(ctl.address, pdir, { joinToken: await joinToken(ctl), name: 'proc-host', args: ['--schemes', 'process', '--guest-vcpus', '4'] }),
  ];
  const api = setApi(ctl);
  t.teardown(async () => {
    api.close();
    for (const a of agents) await a.kill();
    await ctl.kill();
    for (const d of [qdir, pdir]) for (const pid of processesWith(d)) process.kill(pid, 'SIGKILL');
  });
  await waitFor(async () => (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY' && h.schemes.length > 0 && (h.inventory?.guest?.vcpus ?? 0) > 0).length === 2, { timeoutMs: 60_000, message: 'both agents ready' });
  const qhost = hostIdOf(qdir);
  const { set } = await api.create({ name: 'mixed', count: 2, spec: { scheme: '', vcpus: 1, memoryMib: 128, diskGib: 1, config: { title: 'Hello from a set' } }, schemePreference: ['qemu', 'process'], sla: 'SLA_GUARANTEED', strategy: 'PLACEMENT_STRATEGY_BINPACK' });
  t.equal(set!.placed, 2, 'both placed');
  await api.waitSet(set!.id, (s) => s.running === 2, 'both running', 120_000);
  const plan = await api.plan(set!.id);
  const q = plan.rows.find((r) => r.scheme === 'qemu');
  const p = plan.rows.find((r) => r.scheme === 'process');
  t.equal(q?.hostId, qhost, 'the preferred scheme where it fits: a qemu guest on the qemu host');
  t.ok(p && p.hostId !== qhost, 'the second on the process host (the qemu host has one guest vCPU)');
  const vms = await api.vms();
  for (const vm of vms.filter((v) => v.setId === set!.id)) {
    t.match((await waitFor(async () => (await httpGet(vm.hostPort)).body, { timeoutMs: 30_000, message: 'page' })), /Hello from a set/, `${vm.spec?.scheme} VM serves the configured page`);
  }
  t.equal(processesWith(`nephele-${q!.vmId}`).length, 1, 'one QEMU process');
  await api.del(set!.id);
  await api.waitSet(set!.id, (s) => s.state === 'VM_SET_STATE_RETIRED', 'retired', 60_000);
  t.equal(processesWith(`nephele-${q!.vmId}`).length, 0, 'QEMU gone');
  t.ok((await api.hosts()).every((h) => h.vmCount === 0), 'capacity back on both hosts');
});
