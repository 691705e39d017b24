// Rogue processes and a pushed fault in ONE real QEMU guest, end to end: a real
// controller, a real agent, the real CLI (`nephele monitor …`), and
// `nephele-agent exec` to act inside the guest. (1) A process matching a rogue
// signature by name is killed and the VM suspended within one poll; the action
// log has the kill with its cause (signature and pid) and the suspend. (2) The
// same by the sha256 of a binary made unique in the guest. (3) With a long poll
// interval, killing the app inside the guest is seen at once: the guest pushes
// the fault and the agent polls on it (the delay is measured).
import t from 'tap';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { AGENT, cli, startController } from '../helpers/procs.js';
import { buildGuestImage, haveQemu, qemuOrSkip, startQemuAgent } from '../helpers/qemu.js';

qemuOrSkip('monitor-rogue-qemu');

interface Action {
  id: string;
  kind: string;
  trigger: string;
  outcome: string;
  cause: string;
  pid: number;
  createdUnixMs: string | number;
}
interface Row {
  appState: string;
  source: string;
  fault: string;
  rogue: string[];
  processes: { pid: number; name: string; cmdline: string; exeSha256: string }[];
  updatedUnixMs: string | number;
}

const INTERVAL_S = 2;

t.test('rogue by name and by sha256, and a pushed fault, in a real guest', async (t) => {
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!haveQemu || !buildGuestImage(t)) return;
  const ctl = await startController(tmpDir());
  t.teardown(() => ctl.kill());
  const adir = tmpDir('nmr-');
  const agent = await startQemuAgent(t, ctl, adir, ['--guest-vcpus', '4']);

  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  /** The CLI must succeed: exit 0, JSON on stdout. */
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await run('--json', ...args);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
    return JSON.parse(r.stdout) as T;
  };
  /** Runs argv inside the guest through the agent's control socket. */
  const inGuest = (...argv: string[]) =>
    new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [AGENT, 'exec', '--data-dir', adir, vmId, '--', ...argv], (err, out, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: out + stderr }),
      ),
    );
  const row = () => json<Row>('monitor', 'show', vmId);
  const vmState = async () => (await json<{ state: string }>('vm', 'show', vmId)).state;
  const actions = () => json<Action[]>('monitor', 'actions', '--vm', vmId);

  const vm = await json<{ id: string }>('vm', 'create', '--scheme', 'qemu', '--name', 'rogue', '--wait');
  const vmId = vm.id;
  const policy = (...flags: string[]) => json('monitor', 'policy', 'set', 'fleet', ...flags);
  await policy('--interval', `${INTERVAL_S}s`, '--rogue', 'name=miner,comm=^miner$');
  await waitFor(async () => (await row()).appState === 'running', {
    timeoutMs: 30_000,
    message: 'the appliance polled and running',
  });

  /** Starts a rogue with `start` (a shell line), waits for the rogue ladder: kill, then suspend. */
  const rogueIncident = async (what: string, start: string, signature: string) => {
    const before = (await actions()).length;
    // $! is the rogue itself (a simple command, or exec in the background subshell).
    const started = await inGuest('sh', '-c', `${start} >/dev/null 2>&1 & echo $!`);
    // Running by now: the shell forked it before it exited.
    const t0 = Date.now();
    t.equal(started.code, 0, `${what}: started in the guest`);
    const pid = Number(started.out.trim());
    // This incident's actions (the log is newest first), once the ladder has acted on both rungs.
    const fresh = await waitFor(
      async () => {
        const a = (await actions()).slice(0, -before || undefined);
        return a.some((x) => x.kind === 'suspend' && x.outcome !== 'pending') ? a : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: `${what}: kill and suspend in the action log` },
    );
    t.equal(fresh.length, 2, `${what}: two actions, ${fresh.map((a) => a.kind).join(', ')}`);
    const kill = fresh.find((a) => a.kind === 'kill_process');
    const suspend = fresh.find((a) => a.kind === 'suspend');
    t.ok(kill, `${what}: a kill_process action`);
    t.ok(suspend, `${what}: a suspend action`);
    t.match(kill, { trigger: 'rogue', outcome: 'done', pid }, `${what}: the rogue's pid (${pid}) killed`);
    t.match(kill!.cause, new RegExp(`${signature}:${kill!.pid}\\b`), `${what}: cause names signature and pid`);
    t.match(suspend, { trigger: 'rogue', outcome: 'done' });
    t.ok(Number(kill!.createdUnixMs) <= Number(suspend!.createdUnixMs), `${what}: killed, then suspended`);
    const delay = Number(kill!.createdUnixMs) - t0;
    t.comment(`${what}: rogue started → kill action after ${delay} ms (poll interval ${INTERVAL_S * 1000} ms)`);
    // The next scheduled poll finds it: at most one interval away, plus that poll's own time in the guest.
    t.ok(delay < 2 * INTERVAL_S * 1000, `${what}: killed within one poll (${delay} ms)`);
    await waitFor(async () => (await vmState()) === 'suspended', {
      timeoutMs: 20_000,
      message: `${what}: the VM suspended`,
    });
    return kill!;
  };

  const resume = async () => {
    const r = await run('monitor', 'act', vmId, 'resume');
    t.equal(r.code, 0, 'monitor act resume exits 0');
    t.match(r.stdout, new RegExp(`^resume \\w+ on ${vmId}: done\\n$`), 'resumed by hand');
    t.equal(r.stderr, '', 'nothing on stderr');
    await waitFor(async () => (await vmState()) === 'running', { timeoutMs: 30_000, message: 'running again' });
  };

  // (1) By name: a copy of busybox named miner running sleep.
  t.equal((await inGuest('cp', '/bin/busybox', '/tmp/miner')).code, 0, 'a busybox named miner');
  const byName = await rogueIncident('by name', 'exec -a sleep /tmp/miner 600', 'miner');
  await resume();
  const gone = await inGuest('test', '-e', `/proc/${byName.pid}`);
  t.equal(gone.code, 1, 'the miner is gone from the guest');

  // (2) By sha256: busybox made unique by bytes appended; its hash learnt inside the guest.
  const made = await inGuest(
    'sh',
    '-c',
    `cp /bin/busybox /tmp/busybox-x && echo ${vmId} >> /tmp/busybox-x && sha256sum /tmp/busybox-x`,
  );
  t.equal(made.code, 0, `unique binary made (${made.out.trim()})`);
  const sha = /^([0-9a-f]{64})\s/.exec(made.out)?.[1] ?? '';
  t.match(sha, /^[0-9a-f]{64}$/, 'its sha256');
  await policy('--interval', `${INTERVAL_S}s`, '--rogue', `name=hashed,sha256=${sha}`);
  const byHash = await rogueIncident('by sha256', '/tmp/busybox-x sleep 600', 'hashed');
  await resume();
  t.equal((await inGuest('test', '-e', `/proc/${byHash.pid}`)).code, 1, 'the hashed rogue is gone');

  // (3) Push: a long interval, so only the guest's pushed fault explains a prompt poll.
  const file = join(tmpDir('nmr-policy-'), 'policy.json');
  writeFileSync(file, JSON.stringify({ ladders: { faulted: [{ step: 'none' }] } }));
  await policy('--file', file, '--interval', '600s');
  await waitFor(async () => (await row()).appState === 'running', {
    timeoutMs: 30_000,
    message: 'running before the kill',
  });
  const httpd = (await row()).processes.find((p) => p.name === 'httpd');
  t.ok(httpd, 'httpd in the row');
  const killedAt = Date.now();
  t.equal((await inGuest('kill', '-9', String(httpd!.pid))).code, 0, 'httpd killed inside the guest');
  t.comment(`the kill's exec took ${Date.now() - killedAt} ms`);
  const faulted = await waitFor(
    async () => {
      const r = await row();
      return r.appState === 'faulted' ? r : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100, message: 'faulted row' },
  );
  const delay = Number(faulted.updatedUnixMs) - killedAt;
  t.equal(faulted.source, 'event', 'brought by an event poll');
  t.equal(faulted.fault, 'app not running', 'the fault');
  const pushed = agent
    .stdout()
    .split('\n')
    .filter((l) => l.includes('"msg":"guest event"') && l.includes(vmId))
    .map((l) => JSON.parse(l) as { time: string; kind: string; detail: string })
    .find((e) => Date.parse(e.time) >= killedAt);
  t.match(pushed, { kind: 'fault', detail: 'app-exited' }, 'the guest pushed the fault to the agent');
  const pushedAt = Date.parse(pushed?.time ?? '');
  t.comment(
    `push: httpd killed → fault pushed ${pushedAt - killedAt} ms → faulted row ${Number(faulted.updatedUnixMs) - pushedAt} ms later; ` +
      `${delay} ms in all (poll interval 600000 ms)`,
  );
  t.ok(delay < 10_000, `far below the interval (${delay} ms)`);
});
