// Stopping an agent for good stops its VMs; restarting it keeps them (issue 11,
// item 10). Through the real CLI against a real controller and a real agent
// running process VMs: a plain SIGTERM leaves the VMs running and the next
// agent re-adopts them; the systemd unit's ExecStop (rendered by
// install-agent.sh, run as systemd runs it) keeps them during a restart job and
// stops them during a stop job; NEPHELE_STOP_VMS_ON_EXIT makes SIGTERM stop them.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, listHosts, ROOT, startAgent, startController, type Proc } from '../helpers/procs.js';
import { processesWith, vmApi } from '../helpers/vms.js';

/** The unit's ExecStop command as systemd runs it: sh -c BODY, `$$` unescaped to `$`. */
function execStopBody(): string {
  const root = tmpDir();
  const r = spawnSync(
    'bash',
    [join(ROOT, 'scripts/install-agent.sh'), '--controller', 'c.example:7443', '--join-token', 'x', '--root', root],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  const unit = readFileSync(join(root, 'etc/systemd/system/nephele-agent.service'), 'utf8');
  const line = /^ExecStop=\/bin\/sh -c '(.*)'$/m.exec(unit);
  if (!line) throw new Error('no ExecStop=/bin/sh -c line in the unit');
  return line[1]!.replaceAll('$$', '$');
}

/** Runs ExecStop for the agent `pid` while systemd's job for the unit is `job`; resolves with its exit code. */
function runExecStop(body: string, pid: number, job: string): Promise<number | null> {
  const bin = tmpDir();
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "42 nephele-agent.service ${job} running"\n`);
  chmodSync(join(bin, 'systemctl'), 0o755);
  const p = spawn('/bin/sh', ['-c', body], {
    env: { ...process.env, MAINPID: String(pid), PATH: `${bin}:${process.env.PATH}` },
    stdio: 'ignore',
  });
  return new Promise((r) => p.once('exit', r));
}

t.test('an agent keeps its VMs across a restart and stops them when stopped for good', async (t) => {
  const ctl = await startController(tmpDir());
  const adir = tmpDir();
  const args = ['--guest-vcpus', '8'];
  let agent: Proc = startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), args });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && h.inventory), {
    timeoutMs: 30_000,
    message: 'host ready',
  });
  const run = (...a: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...a]);
  const ids: string[] = [];
  for (const name of ['one', 'two']) {
    const r = await run('--json', 'vm', 'create', '--name', name, '--scheme', 'process', '--memory', '64', '--wait');
    t.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Vm | { vm: Vm };
    ids.push(('vm' in j ? j.vm : j).id);
  }
  const api = vmApi(ctl);
  t.teardown(() => api.close());
  const state = async (id: string) => (await api.get(id)).state;
  const vmPids = () => ids.flatMap((id) => processesWith(id));
  const before = vmPids();
  t.ok(before.length >= 2, 'each VM runs as processes');

  // A plain stop (restart, upgrade): the VMs keep running, the next agent re-adopts them.
  await agent.stop();
  t.equal(await agent.exited, 0, 'the agent exits 0');
  t.same(vmPids().sort(), before.sort(), 'the VMs still run, the same processes');
  agent = startAgent(ctl.address, adir, { args });
  await waitFor(
    () => ids.every((id) => agent.output().includes(`"vm_id":"${id}"`) && /vm re-attached/.test(agent.output())),
    {
      timeoutMs: 30_000,
      message: 'both VMs re-attached',
    },
  );
  t.same(vmPids().sort(), before.sort(), 're-adopted, not restarted');
  for (const id of ids) t.equal(await state(id), 'VM_STATE_RUNNING');

  // The unit's ExecStop during `systemctl restart`: nothing stops.
  const body = execStopBody();
  t.equal(await runExecStop(body, agent.proc.pid!, 'restart'), 0, 'ExecStop exits 0 at once');
  t.equal(agent.proc.exitCode, null, 'the agent still runs');
  t.same(vmPids().sort(), before.sort(), 'the VMs still run');

  // ... and during `systemctl stop`: the agent stops its VMs and exits; ExecStop waits for it.
  t.equal(await runExecStop(body, agent.proc.pid!, 'stop'), 0, 'ExecStop exits 0');
  t.not(agent.proc.exitCode, null, 'the agent has exited when ExecStop returns');
  t.equal(await agent.exited, 0, 'with 0');
  t.same(vmPids(), [], 'no VM process is left');
  t.same(processesWith(adir), [], 'nothing of the agent runs (no fence watcher either)');

  // NEPHELE_STOP_VMS_ON_EXIT: the next agent starts them again; SIGTERM then stops them.
  agent = startAgent(ctl.address, adir, { args });
  await waitFor(
    async () => (await Promise.all(ids.map(state))).every((s) => s === 'VM_STATE_RUNNING') && vmPids().length >= 2,
    {
      timeoutMs: 30_000,
      intervalMs: 200,
      message: 'the VMs started again by the next agent',
    },
  );
  await agent.stop();
  process.env.NEPHELE_STOP_VMS_ON_EXIT = '1';
  try {
    agent = startAgent(ctl.address, adir, { args });
  } finally {
    delete process.env.NEPHELE_STOP_VMS_ON_EXIT;
  }
  // Signals are handled once the agent runs (its VMs re-attached, its session started).
  await waitFor(() => /"msg":"agent running"/.test(agent.output()), { timeoutMs: 30_000, message: 'agent running' });
  await agent.stop();
  t.equal(await agent.exited, 0);
  t.same(vmPids(), [], 'SIGTERM with NEPHELE_STOP_VMS_ON_EXIT=1 stopped every VM');
  t.match(agent.output(), /"msg":"vms stopped with the agent"/);
});
