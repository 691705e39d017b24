// The faulted-app ladder end to end: a real controller mirroring the monitor to
// a throwaway PostgreSQL, a real agent, ONE real QEMU guest in a set. (1) The app
// killed inside the guest is restarted by the ladder, the action in the log and
// in PostgreSQL. (2) The appliance broken for good (its www dir replaced by a
// file on the persistent disk): restart x2, reboot, terminate, and the planner
// replaces the VM; the whole ladder in the log, in order.
import t from 'tap';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { AGENT, cli, FAST, joinToken, listHosts, ROOT, startAgent, startController } from '../helpers/procs.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';
import { havePostgres, postgresOrSkip, startPostgres } from '../helpers/postgres.js';
import { setApi } from '../helpers/sets.js';
import { track } from '../helpers/reap.js';
import { tmpDir } from '../helpers/tmp.js';
import { httpGet, killWith } from '../helpers/vms.js';
import { waitFor } from '../helpers/wait.js';

qemuOrSkip('monitor-ladder-qemu');
postgresOrSkip('monitor-ladder-qemu');
t.setTimeout(300_000);

interface Action {
  id: string;
  vmId: string;
  kind: string;
  trigger: string;
  attempt: number;
  outcome: string;
  cause: string;
  createdUnixMs: string | number;
}

/** `nephele-agent exec` on the agent's host: runs argv inside the guest. */
function guestExec(agentDir: string, vm: string, argv: string[]): Promise<{ code: number | null; out: string }> {
  const p = spawn(process.execPath, [AGENT, 'exec', '--data-dir', agentDir, vm, '--', ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(p);
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
  return new Promise((r) => p.once('exit', (code) => r({ code, out })));
}

t.test('faulted app: restart, then restart x2 → reboot → terminate → replaced', async (t) => {
  t.ok(haveQemu && havePostgres, 'QEMU and PostgreSQL are installed (.ci/run installs them)');
  if (!haveQemu || !havePostgres) return;
  buildGuestImage(t);
  const db = await startPostgres();
  const ctl = await startController(tmpDir(), { args: [...FAST, '--monitor-store', db.url()] });
  const adir = tmpDir('ngl-');
  const agent = startAgent(ctl.address, adir, {
    joinToken: await joinToken(ctl),
    args: ['--schemes', 'qemu', '--image-dir', join(ROOT, '.cache/guest')],
  });
  const api = setApi(ctl);
  t.teardown(async () => {
    api.close();
    await agent.kill();
    await ctl.kill();
    killWith(adir);
    db.teardown();
  });
  const run = (...a: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...a]);
  const ok = async (...a: string[]) => {
    const r = await run(...a);
    t.equal(r.code, 0, `nephele ${a.join(' ')}: ${r.stderr}`);
    t.equal(r.stderr, '', 'nothing on stderr');
    return r.stdout;
  };
  const json = async <T>(...a: string[]) => JSON.parse(await ok('--json', ...a)) as T;
  /** For waitFor: no assertion per try; a failed call throws with its stderr. */
  const peek = async <T>(...a: string[]) => {
    const r = await run('--json', ...a);
    if (r.code !== 0) throw new Error(`nephele ${a.join(' ')}: exit ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  const query = async (sql: string, args: unknown[] = []) => {
    const c = new pg.Client({ connectionString: db.url() });
    await c.connect();
    try {
      return (await c.query(sql, args)).rows as Record<string, unknown>[];
    } finally {
      await c.end();
    }
  };
  await waitFor(
    async () => (await listHosts(ctl))[0]?.schemes.includes('qemu') && !!(await listHosts(ctl))[0]?.inventory,
    {
      timeoutMs: 60_000,
      message: 'agent offers qemu',
    },
  );

  await ok(
    '-q',
    'set',
    'create',
    '--name',
    'lad',
    '--count',
    '1',
    '--scheme',
    'qemu',
    '--wait',
    '--wait-for',
    'healthy',
    '--timeout',
    '2m',
  );
  const file = join(tmpDir(), 'policy.json');
  writeFileSync(
    file,
    JSON.stringify({
      ladders: {
        faulted: [
          { step: 'restart_app', times: 2 },
          { step: 'reboot', times: 1 },
          { step: 'terminate', times: 1 },
        ],
      },
    }),
  );
  const interval = 1000;
  await ok(
    '-q',
    'monitor',
    'policy',
    'set',
    'set:lad',
    '--file',
    file,
    '--interval',
    '1s',
    '--probe',
    'web=http:/,status=200',
    '--failures',
    '1',
    '--backoff',
    '1s',
  );
  const vm = (await api.vms()).find((v) => v.name === 'lad-1')!;
  t.ok(vm, 'the set has its VM');
  const row = await waitFor(
    async () => {
      const a = await peek<{ appState: string; processes: { pid: number; name: string }[]; polls: number }>(
        'monitor',
        'show',
        vm.id,
      );
      return a.appState === 'running' && a.polls > 0 && a.processes.some((p) => p.name === 'httpd') ? a : undefined;
    },
    { timeoutMs: 30_000, message: 'the row runs, with httpd' },
  );
  const httpd = row.processes.find((p) => p.name === 'httpd')!.pid;

  await t.test('(1) the app killed: faulted within a poll, restarted, logged here and in PostgreSQL', async (t) => {
    const killedAt = Date.now();
    t.equal((await guestExec(adir, vm.id, ['kill', '-9', String(httpd)])).code, 0, 'killed inside the guest');
    // The kill happened somewhere within the exec (a node start and the guest channel: up to ~1.5 s on a busy CI).
    const execMs = Date.now() - killedAt;
    const act = await waitFor(
      async () => (await peek<Action[]>('monitor', 'actions', '--set', 'lad')).find((a) => a.outcome === 'done'),
      { timeoutMs: 20_000, message: 'a finished action' },
    );
    t.match(act, { vmId: vm.id, kind: 'restart_app', trigger: 'faulted', attempt: 1, cause: /^app faulted/ });
    const took = Number(act.createdUnixMs) - killedAt;
    t.ok(
      // One poll: its interval plus the jitter (100 %: up to a second interval), and a second of slack.
      took <= execMs + 2 * interval + 1000,
      `the restart was sent ${took} ms after the kill began (exec ${execMs} ms, one poll: ${interval} ms)`,
    );
    const again = await json<{ appState: string; processes: { pid: number; name: string }[] }>(
      'monitor',
      'show',
      vm.id,
    );
    t.equal(again.appState, 'running', 'running again');
    t.notOk(
      again.processes.some((p) => p.pid === httpd),
      'a new httpd',
    );
    t.equal((await httpGet(vm.hostPort, 5000)).status, 200, 'it answers');
    const rows = await waitFor(
      async () => {
        const r = await query('SELECT kind, outcome, action FROM actions WHERE id = $1', [act.id]);
        return r[0]?.outcome === 'done' ? r : undefined;
      },
      { timeoutMs: 15_000, message: 'the action mirrored' },
    );
    t.match(
      rows,
      [{ kind: 'restart_app', outcome: 'done', action: { cause: act.cause, trigger: 'faulted' } }],
      'the same row in PostgreSQL',
    );
  });

  await t.test('(2) broken for good: restart x2, reboot, terminate, replaced by the planner', async (t) => {
    const broke = await guestExec(adir, vm.id, [
      'sh',
      '-c',
      'rm -rf /data/www && echo broken >/data/www && sync && kill -9 $(pidof httpd)',
    ]);
    t.equal(broke.code, 0, `broken inside the guest: ${broke.out}`);
    const faulted = await waitFor(
      async () => {
        const a = await peek<{ appState: string; fault: string }>('monitor', 'show', vm.id);
        return a.appState === 'faulted' ? a : undefined;
      },
      { timeoutMs: 20_000, message: 'faulted' },
    );
    t.match(faulted.fault, /./, `the fault says why (${faulted.fault})`);
    const ladderOf = async () =>
      (await peek<Action[]>('monitor', 'actions', '--set', 'lad')).filter((a) => a.vmId === vm.id).reverse();
    const dump = async () =>
      t.comment(
        (await ladderOf()).map((a) => `${a.kind}#${a.attempt} ${a.outcome} ${a.cause}`).join('\n') +
          '\n' +
          JSON.stringify((await api.vms()).map((v) => [v.id, v.state])) +
          '\n' +
          JSON.stringify(await api.get(vm.setId)) +
          '\n' +
          ctl
            .stdout()
            .split('\n')
            .filter((l) => /set|plac|replac|destroy/i.test(l))
            .slice(-30)
            .join('\n'),
      );
    await waitFor(async () => (await ladderOf()).some((a) => a.kind === 'terminate'), {
      timeoutMs: 90_000,
      message: 'the ladder reaches terminate',
    }).catch(async (e) => (await dump(), Promise.reject(e)));
    const replacement = await waitFor(
      async () =>
        (await api.vms()).find((v) => v.setId === vm.setId && v.id !== vm.id && v.state === 'VM_STATE_RUNNING'),
      { timeoutMs: 90_000, message: 'a new VM in the set, running' },
    ).catch(async (e) => (await dump(), Promise.reject(e)));
    t.not(replacement.id, vm.id, 'a new VM id');
    const mine = await ladderOf();
    // The reboot rung gets its chance: the next rung waits until the guest is back (not the backoff alone).
    // One event a line (events tail streams).
    const evs = (await ok('--json', 'events', 'tail', '--vm', vm.id, '--type', 'vm.state_changed', '-n', '50'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string; timeUnixMs: string })
      .filter((e) => e.message === 'vm is running: rebooted');
    t.equal(evs.length, 1, 'the guest rebooted once');
    const terminate = mine.find((a) => a.kind === 'terminate');
    t.ok(
      Number(terminate?.createdUnixMs) >= Number(evs[0]?.timeUnixMs),
      'terminate decided after the rebooted guest was judged again',
    );
    t.same(
      mine.map((a) => `${a.kind}#${a.attempt}:${a.outcome}`),
      ['restart_app#1:done', 'restart_app#1:done', 'restart_app#2:done', 'reboot#3:done', 'terminate#4:done'],
      'the whole ladder in the log, in order',
    );
    t.ok(
      mine.slice(1).every((a) => a.trigger === 'faulted' && /^app faulted/.test(a.cause)),
      'each with its cause',
    );
    const n = await waitFor(
      async () => {
        const r = await query('SELECT count(*)::int AS n FROM actions WHERE vm_id = $1', [vm.id]);
        return r[0]!.n === mine.length ? r : undefined;
      },
      { timeoutMs: 15_000, message: 'the ladder mirrored' },
    );
    t.ok(n, 'every action in PostgreSQL, once');
  });
});
