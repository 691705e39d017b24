// A set's status and its lost members (issue 11, item 9), through the real CLI
// against a real controller and a real agent running process VMs: a member
// destroyed by hand is replaced and the reason no longer says "2 of 2 placed";
// a member that crashes is counted failed and replaced; a set scaled down keeps
// the size it was given.
import t from 'tap';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, listHosts, startAgent, startController } from '../helpers/procs.js';
import { processesWith } from '../helpers/vms.js';
import { setApi } from '../helpers/sets.js';

t.test('a guaranteed set replaces what it loses; its view says what its members do', async (t) => {
  const ctl = await startController(tmpDir());
  const agent = startAgent(ctl.address, tmpDir(), {
    joinToken: await joinToken(ctl),
    args: ['--guest-vcpus', '8'],
  });
  const api = setApi(ctl);
  t.teardown(async () => {
    api.close();
    await agent.kill();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && h.inventory), {
    timeoutMs: 30_000,
    message: 'host ready',
  });
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  const show = async (id: string) => {
    const r = await run('--json', 'set', 'show', id);
    t.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as VmSet;
  };
  const members = async (id: string) =>
    (await api.vms()).filter((v) => v.setId === id && v.desired !== 'DESIRED_VM_STATE_DESTROYED');
  const runningMembers = async (id: string, n: number, not: string[], message: string) =>
    waitFor(
      async () => {
        const s = await show(id);
        const m = await members(id);
        return s.running === n && m.length === n && !m.some((v) => not.includes(v.id)) ? m : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, message },
    );

  const made = await run(...'--json set create --name web --count 2 --scheme process --wait --timeout 60s'.split(' '));
  t.equal(made.code, 0, made.stderr);
  const id = (JSON.parse(made.stdout) as VmSet).id;
  const [first, second] = (await members(id)) as [Vm, Vm];

  // Destroyed by hand: a fresh member takes its place.
  const d = await run('vm', 'destroy', first.id);
  t.equal(d.code, 0, d.stderr);
  const after = await runningMembers(id, 2, [first.id], 'a replacement for the destroyed member running');
  t.ok(
    after.some((v) => v.name === 'web-3'),
    'the replacement is a new member (web-3)',
  );
  const text = await run('set', 'show', id);
  t.equal(text.code, 0, text.stderr);
  t.equal(text.stderr, '', 'nothing on stderr');
  t.match(text.stdout, /^VMs: +2 wanted, 2 placed, 2 confirmed, 2 running, 0 failed$/m, 'none failed');
  t.match(text.stdout, /^State: +placed \(2 of 2 placed, 2 running\)$/m, 'a true reason');
  const ls = await run('set', 'ls');
  t.match(ls.stdout, /\bCONFIRMED +RUNNING +FAILED\b/, 'a FAILED column');
  t.match(ls.stdout, /\bplaced +2\/2 +2 +2 +0\b/, 'none failed in the list');

  // A crash (the appliance killed): counted failed, then replaced.
  const victim = after.find((v) => v.id !== second.id)!;
  const pids = processesWith(victim.id);
  t.ok(pids.length > 0, 'the member runs as a process');
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  const replaced = await runningMembers(id, 2, [first.id, victim.id], 'a replacement for the crashed member running');
  t.equal(replaced.length, 2);
  const s = await show(id);
  t.equal(s.failed, 0, 'no member is failed now');
  t.equal(s.stateReason, '2 of 2 placed, 2 running');
  const ev = await run('--json', 'events', 'tail', '-n', '200');
  t.equal(ev.code, 0, ev.stderr);
  t.match(ev.stdout, /"set\.vm_failed"/, 'the failure is an event');

  // Scaled down: the retired member is not replaced.
  const sc = await run('set', 'scale', id, '1');
  t.equal(sc.code, 0, sc.stderr);
  await waitFor(
    async () => {
      const x = await show(id);
      return x.running === 1 && x.placed === 1 && (await members(id)).length === 1;
    },
    { timeoutMs: 30_000, message: 'one member after the scale-down' },
  );
  const one = await show(id);
  t.equal(one.stateReason, '1 of 1 placed, 1 running');
  t.equal(one.count, 1);
});
