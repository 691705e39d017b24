// Fencing with real agents (issue 9, finding 8). An agent killed with -9 leaves
// its guests running; the controller re-places its guaranteed VMs after
// down-after + replace-after. With the fence, the guests of the dead agent stop
// after its lease, before their copies start elsewhere: sampled every 100 ms,
// no VM id ever runs on two hosts. An agent that comes back within the lease
// re-attaches (same pids, same watcher); one that comes back later reports its
// fenced VMs; stopping a VM on purpose leaves no guard behind.
import t from 'tap';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import {
  FAST,
  hostIdOf,
  joinToken,
  listHosts,
  ROOT,
  startAgent,
  startController,
  type ControllerProc,
  type Proc,
} from '../helpers/procs.js';
import { vmApi, vmRoots, killWith } from '../helpers/vms.js';
import { setApi } from '../helpers/sets.js';
import { parseLeaseLine } from '../../agent/fence/lease.js';
import { procUptimeMs } from '../../agent/fence/fence.js';
import { isAlive, startTimeOf } from '../../agent/drivers/proc.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';

qemuOrSkip('fence');

const VM_DIR_RE = /\/vms\/([0-9A-Z]{26})(?:\/|\0|$)/;

/**
 * Every guest process on this machine right now, as vm id -> the agent data dirs
 * it runs under. A process belongs to a VM when its command line names the VM's
 * dir (busybox httpd -h, the task wrapper's exit file, QEMU's disk and sockets)
 * or its working directory is in it (a task's own processes). Namespace
 * wrappers (unshare) and zombies are not guests.
 */
function copies(dirs: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const state = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state === 'Z' || state === 'X') continue;
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.startsWith('unshare\0')) continue;
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${d}/cwd`);
      } catch {
        /* gone or not ours to read */
      }
      for (const dir of dirs) {
        const m = cmd.includes(`${dir}/vms/`)
          ? VM_DIR_RE.exec(cmd.slice(cmd.indexOf(`${dir}/vms/`) + dir.length))
          : cwd.startsWith(`${dir}/vms/`)
            ? VM_DIR_RE.exec(cwd.slice(dir.length))
            : null;
        if (!m) continue;
        if (!out.has(m[1]!)) out.set(m[1]!, new Set());
        out.get(m[1]!)!.add(dir);
      }
    } catch {
      /* ended while we looked */
    }
  }
  return out;
}

/** Samples copies() every 100 ms until stopped; remembers every moment a VM id ran under two dirs. */
function sampler(dirs: string[]) {
  const doubles: string[] = [];
  const t0 = Date.now();
  /** When each dir last / first held a guest (ms after the start). */
  const lastSeen = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  let samples = 0;
  let last = new Map<string, Set<string>>();
  let on = true;
  const done = (async () => {
    while (on) {
      last = copies(dirs);
      samples++;
      for (const [id, where] of last) if (where.size > 1) doubles.push(`${id} at sample ${samples}`);
      for (const where of last.values()) {
        for (const d of where) {
          lastSeen.set(d, Date.now() - t0);
          if (!firstSeen.has(d)) firstSeen.set(d, Date.now() - t0);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    last: () => last,
    stop: async () => {
      on = false;
      await done;
      return { doubles, samples, lastSeen, firstSeen };
    },
  };
}

const guards = (dir: string) => (existsSync(join(dir, 'fence', 'vms')) ? readdirSync(join(dir, 'fence', 'vms')) : []);

const AGENT = [
  '--schemes',
  'qemu,process',
  '--image-dir',
  join(ROOT, '.cache/guest'),
  '--guest-vcpus',
  '8',
  '--reserve-memory',
  '256M',
];

t.test('kill -9 an agent: no VM ever runs twice while its guaranteed VMs move', async (t) => {
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!haveQemu) return;
  buildGuestImage(t);
  // Re-placement 2 s (down) + 1 s (grace) after the agent is lost: the agents' 1m default is clamped to 1.5 s.
  const ctl: ControllerProc = await startController(tmpDir(), { args: [...FAST, '--replace-after', '1s'] });
  const adir = tmpDir();
  const bdir = tmpDir();
  const agents: Proc[] = [
    startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), name: 'host-a', args: AGENT }),
    startAgent(ctl.address, bdir, { joinToken: await joinToken(ctl), name: 'host-b', args: AGENT }),
  ];
  const api = setApi(ctl);
  const admin = ctl.admin();
  t.teardown(async () => {
    api.close();
    admin.close();
    for (const a of agents) await a.kill();
    await ctl.kill();
    for (const d of [adir, bdir]) killWith(d);
  });
  await waitFor(
    async () =>
      (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY' && h.schemes.length === 2).length === 2,
    { timeoutMs: 90_000, message: 'both agents ready with qemu and process' },
  );
  const [a, b] = [hostIdOf(adir), hostIdOf(bdir)];
  t.ok(
    await waitFor(() =>
      /"level":50,.*not comfortably below the controller's re-placement window/.test(agents[0]!.output()),
    ),
    'the agent says loudly (error level) that its --fence-after was clamped',
  );

  // Only A takes work at first: B is cordoned, then uncordoned before A dies.
  await admin.call((md, o, cb) => admin.hosts.CordonHost({ hostId: b, reason: 'fence test' }, md, o, cb as never));
  const base = { vcpus: 1, memoryMib: 32, diskGib: 1 };
  const sets = [
    (await api.create({ name: 'web', count: 2, spec: { ...base, scheme: 'process' }, sla: 'SLA_GUARANTEED' })).set!,
    (
      await api.create({
        name: 'job',
        count: 1,
        spec: { ...base, scheme: 'process', config: { task: 'sleep 600' } },
        sla: 'SLA_GUARANTEED',
      })
    ).set!,
    (
      await api.create({
        name: 'vm',
        count: 1,
        spec: { ...base, scheme: 'qemu', memoryMib: 128, config: { title: 'fenced' } },
        sla: 'SLA_GUARANTEED',
      })
    ).set!,
  ];
  for (const s of sets) await api.waitSet(s.id, (x) => x.running === x.count, `set ${s.id} running`, 120_000);
  const ids = (await api.vms()).map((v) => v.id);
  t.equal(ids.length, 4, 'four guaranteed VMs');
  t.ok(
    (await api.vms()).every((v) => v.hostId === a),
    'all on host A',
  );
  await waitFor(
    () => {
      const c = copies([adir, bdir]);
      return ids.every((id) => c.get(id)?.size === 1 && c.get(id)!.has(adir));
    },
    { message: 'each VM has processes on A only' },
  );
  t.same(guards(adir).sort(), [...ids].sort(), 'A guards each of them');
  await admin.call((md, o, cb) => admin.hosts.UncordonHost({ hostId: b }, md, o, cb as never));

  const s = sampler([adir, bdir]);
  await agents[0]!.kill();
  await waitFor(
    async () => {
      const vms = await api.vms();
      const c = s.last();
      return (
        vms.length === 4 &&
        vms.every((v) => v.hostId === b && v.state === 'VM_STATE_RUNNING') &&
        ids.every((id) => c.get(id)?.has(bdir))
      );
    },
    { timeoutMs: 120_000, message: 'every VM running on B' },
  );
  const { doubles, samples, lastSeen, firstSeen } = await s.stop();
  t.ok(samples > 20, `${samples} samples taken`);
  t.comment(`after kill -9: A's last guest seen at ${lastSeen.get(adir)} ms, B's first at ${firstSeen.get(bdir)} ms`);
  t.same(doubles, [], 'no moment with two running copies of any VM id');
  const end = copies([adir, bdir]);
  for (const id of ids) t.same([...(end.get(id) ?? [])], [bdir], `${id} runs exactly once, on B`);
  const qemuVm = (await api.vms()).find((v) => v.spec?.scheme === 'qemu')!;
  t.equal(vmRoots(`nephele-${qemuVm.id}`).length, 1, 'one QEMU process for the qemu VM');
  t.match(
    existsSync(join(adir, 'fence', 'watcher.log')) ? readFileSync(join(adir, 'fence', 'watcher.log'), 'utf8') : '',
    /fenced 4 vm\(s\)/,
    "A's watcher fenced its four VMs, then exited",
  );

  // A returns: its fenced copies are removed as stale, nothing restarts there.
  agents[0] = startAgent(ctl.address, adir, { name: 'host-a', args: AGENT });
  await waitFor(async () => (await listHosts(ctl)).find((h) => h.id === a)?.state === 'HOST_STATE_READY', {
    timeoutMs: 60_000,
    message: 'A back',
  });
  const stale = await waitFor(
    async () => {
      const evs = (
        await admin.call<{ events: Event[] }>((md, o, cb) =>
          admin.events.ListEvents({ pageSize: 1000, filter: { typePrefix: 'vm.stale_copy' } }, md, o, cb as never),
        )
      ).events;
      const got = new Set(evs.filter((e) => e.hostId === a).map((e) => e.attributes.vm_id));
      return got.size === 4 ? got : undefined;
    },
    { timeoutMs: 30_000, message: 'stale copies reported' },
  );
  t.same([...stale].sort(), [...ids].sort(), 'each fenced copy was removed as stale when A returned');
  t.equal(agents[0]!.output().match(/vm was fenced while the agent was away/g)?.length, 4, 'A knew it had been fenced');
  t.same(guards(adir), [], 'no guard left on A');
  const c = copies([adir, bdir]);
  t.ok(
    ids.every((id) => c.get(id)?.size === 1 && c.get(id)!.has(bdir)),
    'still exactly one copy each, on B',
  );
});

t.test(
  'restart within the lease re-attaches; a stop leaves no guard; SIGTERM extends the lease; a late return reports the fencing',
  async (t) => {
    // Default replace-after (5m): a window of 302 s, so --fence-after 5s stands (an agent
    // takes a second or two to start on a loaded machine: a shorter lease fences during the restart).
    const ctl = await startController(tmpDir());
    const dir = tmpDir();
    const args = ['--fence-after', '5s'];
    let agent = startAgent(ctl.address, dir, { joinToken: await joinToken(ctl), args });
    const vms = vmApi(ctl);
    t.teardown(async () => {
      vms.close();
      await agent.kill();
      await ctl.kill();
      killWith(dir);
    });
    await waitFor(
      async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && h.schemes.length > 0),
      { timeoutMs: 30_000, message: 'agent ready' },
    );
    const host = hostIdOf(dir);
    const vm = await vms.create(host, { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 });
    await vms.waitState(vm.id, 'VM_STATE_RUNNING');
    const fenceDir = join(dir, 'fence');
    const guardOf = () =>
      readFileSync(join(fenceDir, 'vms', vm.id), 'utf8')
        .trim()
        .split(' ');
    const watcher = () =>
      JSON.parse(readFileSync(join(fenceDir, 'watcher.json'), 'utf8')) as { pid: number; startTime: string };
    const [pid, start] = guardOf();
    t.ok(isAlive(Number(pid), start!), 'the guard names the running process');
    const w = watcher();
    t.ok(isAlive(w.pid, w.startTime), 'a watcher runs');
    const ready = (agent: Proc) =>
      waitFor(() => /vm re-attached/.test(agent.output()) && /agent running/.test(agent.output()), {
        timeoutMs: 30_000,
        message: 're-attached',
      }).catch((e) => {
        throw new Error(`${(e as Error).message}: ${agent.output().slice(-3000)}`);
      });

    // kill -9 and straight back: the same process, the same watcher, and the lease goes on.
    await agent.kill();
    agent = startAgent(ctl.address, dir, { args });
    await ready(agent);
    t.same(guardOf().slice(0, 2), [pid, start], 'the VM kept its pid and is still guarded');
    t.same(watcher(), w, 'the watcher was re-adopted');
    const t0 = procUptimeMs();
    await waitFor(() => procUptimeMs() > t0 + 6_000, {
      timeoutMs: 10_000,
      message: 'past the lease the killed agent left',
    });
    t.ok(isAlive(Number(pid), start!), 'the VM still runs: the new agent renews the lease');
    t.ok(isAlive(w.pid, w.startTime), 'and the watcher is still there');

    // On purpose: stop leaves no guard, start guards the new process.
    await vms.act('StopVm', vm.id);
    await vms.waitState(vm.id, 'VM_STATE_STOPPED');
    t.notOk(existsSync(join(fenceDir, 'vms', vm.id)), 'a stopped VM has no guard');
    await vms.act('StartVm', vm.id);
    await vms.waitState(vm.id, 'VM_STATE_RUNNING');
    const [pid2, start2] = guardOf();
    t.not(pid2, pid, 'a new process, guarded');

    // SIGTERM (a systemd restart or upgrade): the last lease is the longest safe one, half the window.
    await agent.stop();
    const left = parseLeaseLine(readFileSync(join(fenceDir, 'lease'), 'utf8'))!.expiryMs - procUptimeMs();
    t.ok(left > 140_000 && left <= 151_000, `graceful lease ${left} ms`);
    const t1 = procUptimeMs();
    await waitFor(() => procUptimeMs() > t1 + 8_000, {
      timeoutMs: 12_000,
      message: 'past --fence-after, its check and grace',
    });
    t.ok(isAlive(Number(pid2), start2!), 'the VM outlives --fence-after while the agent is stopped on purpose');
    agent = startAgent(ctl.address, dir, { args });
    await ready(agent);
    t.ok(isAlive(Number(pid2), start2!), 're-attached after the deliberate stop');

    // kill -9 and away for longer than the lease: the VM stops itself; the returning agent reports it.
    await agent.kill();
    await waitFor(() => !isAlive(Number(pid2), start2!), { timeoutMs: 15_000, message: 'VM fenced' });
    const w2 = watcher();
    await waitFor(() => startTimeOf(w2.pid) !== w2.startTime, { message: 'watcher exited after fencing' });
    agent = startAgent(ctl.address, dir, { args });
    const failed = await vms.waitState(vm.id, 'VM_STATE_FAILED', 30_000);
    t.equal(failed.stateReason, 'fenced: agent lease expired', 'reported as fenced');
    t.ok(isAlive(watcher().pid, watcher().startTime), 'a new watcher runs');
    await vms.act('DestroyVm', vm.id);
    await waitFor(async () => !(await vms.list()).some((v) => v.id === vm.id && v.state !== 'VM_STATE_DESTROYED'), {
      message: 'destroyed',
    });
    t.notOk(existsSync(join(fenceDir, 'vms', vm.id)), 'no guard after destroy');
    t.notOk(existsSync(join(fenceDir, 'fenced', vm.id)), 'the fencing was reported once and forgotten');
  },
);
