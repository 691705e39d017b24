// The CLI of the appliance monitor (issue 14, item 7): nephele monitor
// ls|show|poll|act|actions|policy set|show and nephele subscription set|show,
// through the real CLI against an in-test MonitorService over real gRPC
// (test/helpers/monitor-server.ts: the controller's parts land in parallel),
// and against a real controller for auth and how its errors print.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ulid } from '../../common/ids.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { CLI, cli, startController } from '../helpers/procs.js';
import { appliance, startMonitorServer, type MonitorServer } from '../helpers/monitor-server.js';

const PROTO_ENUM =
  /APP_STATE_|UPDATE_SOURCE_|PROBE_KIND_|LADDER_STEP_|CONTROL_ACTION_KIND_|ACTION_OUTCOME_|SUBSCRIPTION_STATE_/;
type Run = Awaited<ReturnType<typeof cli>>;

function runner(t: Test, base: string[]) {
  const run = (...args: string[]) => cli([...base, ...args]);
  const ok = async (...args: string[]): Promise<Run> => {
    const r = await run(...args);
    t.equal(r.code, 0, `${args.join(' ')}: exit 0 ${r.stderr}`);
    t.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`);
    return r;
  };
  const refused = async (args: string[], re: RegExp, code = 1) => {
    const r = await run(...args);
    t.equal(r.code, code, `${args.join(' ')}: exit ${code}`);
    t.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line on stderr`);
    t.match(r.stderr.trimEnd(), re, `${args.join(' ')}: ${r.stderr.trim()}`);
  };
  return { run, ok, refused };
}

t.test('monitor and subscription commands against an in-test MonitorService', async (t) => {
  const m: MonitorServer = await startMonitorServer();
  t.teardown(() => m.close());
  const { ok, refused } = runner(t, m.flags);
  const calls = (rpc: string) => m.calls.filter((c) => c.rpc === rpc);
  const setId = ulid();
  const web = appliance({
    vmId: ulid(),
    vmName: 'web-1',
    setId,
    appState: 'APP_STATE_FAULTED',
    fault: 'probe health failed 3 times',
    applianceVersion: '1.2.0',
    configHash: 'ab'.repeat(32),
    processes: [{ pid: 7, name: 'httpd', cmdline: 'httpd -f', exeSha256: 'cd'.repeat(32) }],
    rogue: ['miner:412'],
    probes: [{ name: 'health', ok: false, latencyMs: 12, consecutiveFailures: 3, detail: 'status 500' }],
    licence: { licenceId: 'L-1', seatsInUse: 6, seats: 5, expiresUnixMs: Date.parse('2027-01-01') },
    licenceProblem: 'seats exceeded',
    users: ['alice', 'bob'],
    io: { diskReadBytes: 2048, diskWriteBytes: 0, netRxBytes: 1 << 20, netTxBytes: 10 },
  });
  m.appliances.push(web);
  for (let i = 0; i < 1199; i++) m.appliances.push(appliance({ vmId: ulid(), vmName: `bulk-${i}` }));

  await t.test('ls: the whole table, paged; --state, --set by name; --json with short enum names', async (t) => {
    const r = await ok('monitor', 'ls');
    const lines = r.stdout.trimEnd().split('\n');
    t.match(lines[0], /^\s*VM\s+NAME\s+SET\s+STATE\s+VERSION\s+PROBES\s+ROGUE\s+UPDATED\s+SOURCE$/, 'header');
    t.equal(lines.length, 1201, 'every row of every page');
    t.equal(calls('ListAppliances').length, 3, 'three pages of 500');
    t.match(
      r.stdout,
      new RegExp(`^\\s*${web.vmId}\\s+web-1\\s+${setId}\\s+faulted\\s+1\\.2\\.0\\s+0/1\\s+1\\s+\\S+ ago\\s+poll$`, 'm'),
    );

    const before = calls('ListAppliances').length;
    const f = await ok('--json', 'monitor', 'ls', '--state', 'FAULTED', '--set', 'set0');
    const req = calls('ListAppliances')[before]!.req;
    t.equal(req.appState, 'APP_STATE_FAULTED', '--state sent as the proto enum');
    t.equal(req.setId, setId, '--set by name resolved to its id');
    const rows = JSON.parse(f.stdout) as Record<string, unknown>[];
    t.equal(rows.length, 1);
    t.equal(rows[0]!.appState, 'faulted', 'short enum names in JSON');
    t.equal(rows[0]!.source, 'poll');
    t.notMatch(f.stdout, PROTO_ENUM, 'no proto enum names');

    const wide = await ok('-o', 'wide', '--no-headers', 'monitor', 'ls', '--state', 'faulted');
    t.match(
      wide.stdout,
      /H1\s+default\s+1\s+\S+ ago\s+probe health failed 3 times$/m,
      '-o wide: host, tenant, polls, fault',
    );
    t.notMatch(wide.stdout, /^\s*VM\s/m, '--no-headers');
    t.equal((await ok('-q', 'monitor', 'ls', '--state', 'faulted')).stdout, `${web.vmId}\n`, '-q: ids only');

    const n = m.calls.length;
    await refused(
      ['monitor', 'ls', '--state', 'sleepy'],
      /^nephele: --state: must be one of running, faulted, stopped/,
    );
    t.equal(m.calls.length, n, 'bad input never reaches the service');
  });

  await t.test('ls --watch: a new table when a row changes, exit 0 on Ctrl-C', async (t) => {
    const p = spawn(
      process.execPath,
      [CLI, ...m.flags, 'monitor', 'ls', '--state', 'stopped', '--watch', '--interval', '100ms'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    t.teardown(() => void p.kill('SIGKILL'));
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => p.once('exit', r));
    await waitFor(() => /^\s*VM\s/.test(out), { message: 'first table' });
    t.notMatch(out, /web-1/);
    const stopped = m.appliances[1]!;
    stopped.appState = 'APP_STATE_STOPPED';
    await waitFor(() => out.includes(stopped.vmId!), { message: 'the changed row' });
    t.match(
      out,
      /^\s*VM .*\n\n\s*VM .*\n\s*\S+\s+bulk-0\s+-\s+stopped/,
      'a pipe gets each change as a new table after a blank line',
    );
    t.notMatch(out, /\x1b/, 'no escape codes into a pipe');
    p.kill('SIGINT');
    t.equal(await exited, 0, 'Ctrl-C ends it with exit 0');
    stopped.appState = 'APP_STATE_RUNNING';
  });

  await t.test('show and poll: one field a line; by name; --json the row itself', async (t) => {
    const r = await ok('monitor', 'show', 'web-1');
    t.match(r.stdout, new RegExp(`^VM:\\s+web-1 \\(${web.vmId}\\)$`, 'm'));
    t.match(r.stdout, /^App:\s+faulted \(probe health failed 3 times\)$/m);
    t.match(r.stdout, /^Processes:\s+7 {2}httpd {2}httpd -f {2}cdcdcdcdcdcd$/m);
    t.match(r.stdout, /^Rogue:\s+miner:412$/m);
    t.match(r.stdout, /^Probes:\s+health {2}FAILED {2}12ms {2}3 consecutive failure\(s\) {2}status 500$/m);
    t.match(r.stdout, /^Licence:\s+L-1, 6\/5 seats, expires 2027-01-01T00:00:00Z \(seats exceeded\)$/m);
    t.match(r.stdout, /^Users:\s+alice\n\s+bob$/m, 'a list continues on indented lines');
    t.match(r.stdout, /^I\/O:\s+disk 2\.0KiB read, 0 written; net 1\.0MiB in, 10B out$/m);
    const j = JSON.parse((await ok('--json', 'monitor', 'show', web.vmId)).stdout) as Record<string, unknown>;
    t.equal(j.vmId, web.vmId, '--json: the appliance, not {appliance: …}');
    t.equal(j.appState, 'faulted');

    const p = await ok('monitor', 'poll', 'web-1');
    t.match(p.stdout, /^Updated:\s+\S+ \(event\)$/m, 'the fresh row, polled by request');
    t.equal(calls('PollAppliance').at(-1)!.req.vmId, web.vmId, 'name resolved');
    t.equal(calls('PollAppliance').at(-1)!.req.timeoutMs, 10_000, 'default timeout');
    await ok('monitor', 'poll', web.vmId, '--timeout', '30s');
    t.equal(calls('PollAppliance').at(-1)!.req.timeoutMs, 30_000);
    await refused(['monitor', 'poll', web.vmId, '--timeout', '2m'], /^nephele: --timeout: between 1ms and 60s$/);
    await refused(['monitor', 'show', ulid()], /^nephele: NOT_FOUND: no such appliance$/);
  });

  await t.test('act: each kind as typed, --pid and --version checked; the action printed', async (t) => {
    const r = await ok('monitor', 'act', 'web-1', 'restart-app', '--reason', 'stuck', '--request-id', 'r-1');
    t.match(r.stdout, new RegExp(`^restart_app [0-9A-Z]{26} on ${web.vmId}: done\\n$`));
    t.match(calls('TakeControlAction').at(-1)!.req, {
      vmId: web.vmId,
      kind: 'CONTROL_ACTION_KIND_RESTART_APP',
      reason: 'stuck',
      requestId: 'r-1',
      pid: 0,
    });
    const k = JSON.parse((await ok('--json', 'monitor', 'act', web.vmId, 'kill_process', '--pid', '412')).stdout);
    t.match(
      k,
      { kind: 'kill_process', pid: 412, outcome: 'done', trigger: 'manual' },
      '--json: the action, short names',
    );
    await ok('monitor', 'act', web.vmId, 'update-app', '--app-version', '2.0');
    t.match(calls('TakeControlAction').at(-1)!.req, { kind: 'CONTROL_ACTION_KIND_UPDATE_APP', version: '2.0' });
    for (const kind of ['suspend', 'resume', 'terminate', 'poll', 'reboot']) {
      await ok('-q', 'monitor', 'act', web.vmId, kind);
      t.equal(calls('TakeControlAction').at(-1)!.req.kind, `CONTROL_ACTION_KIND_${kind.toUpperCase()}`, kind);
    }
    const n = m.calls.length;
    await refused(['monitor', 'act', web.vmId, 'explode'], /^nephele: action: must be one of restart-app, update-app/);
    await refused(['monitor', 'act', web.vmId, 'kill-process'], /^nephele: --pid: kill-process needs the pid/);
    await refused(['monitor', 'act', web.vmId, 'reboot', '--pid', '3'], /^nephele: --pid: only with kill-process$/);
    await refused(['monitor', 'act', web.vmId, 'kill-process', '--pid', '1'], /^nephele: --pid: must be between 2 and/);
    await refused(
      ['monitor', 'act', web.vmId, 'poll', '--app-version', '2'],
      /^nephele: --app-version: only with update-app$/,
    );
    t.equal(m.calls.length, n, 'refused before any call');
  });

  await t.test('actions: the log with filters, newest first, --limit across pages', async (t) => {
    // Older actions of another VM behind the ones taken above (the log is newest first).
    const other = ulid();
    for (let i = 0; i < 600; i++)
      m.actions.push({ ...m.actions.at(-1)!, id: ulid(), vmId: other, kind: 'CONTROL_ACTION_KIND_SUSPEND' });
    const r = await ok('monitor', 'actions', '--vm', 'web-1', '--kind', 'restart-app', '--since', '1h', '--limit', '2');
    const lines = r.stdout.trimEnd().split('\n');
    t.match(lines[0], /^\s*ID\s+VM\s+KIND\s+TRIGGER\s+ATTEMPT\s+OUTCOME\s+CAUSE\s+CREATED$/);
    t.equal(lines.length, 2, 'one restart-app action in the log');
    t.match(lines[1], /restart_app\s+manual\s+-\s+done\s+stuck/);
    const req = calls('ListControlActions').at(-1)!.req;
    t.match(req, { vmId: web.vmId, kind: 'CONTROL_ACTION_KIND_RESTART_APP', pageSize: 2 });
    t.ok(Math.abs(Number(req.sinceUnixMs) - (Date.now() - 3_600_000)) < 60_000, '--since 1h: an hour ago');

    const before = calls('ListControlActions').length;
    const all = JSON.parse((await ok('--json', 'monitor', 'actions', '--limit', '550')).stdout) as unknown[];
    t.equal(all.length, 550, '--limit honoured across pages');
    t.equal(calls('ListControlActions').length - before, 2, 'and no page more than needed');
    t.match(all[0], { kind: 'reboot' }, 'newest first, as the service answers');
    await refused(['monitor', 'actions', '--kind', 'dance'], /^nephele: --kind: must be one of restart_app/);
    await refused(['monitor', 'actions', '--since', 'yesterday-ish'], /^nephele: --since:/);
  });

  await t.test('policy set from flags and from a file; policy show [--effective]', async (t) => {
    const r = await ok(
      'monitor',
      'policy',
      'set',
      'set:set0',
      '--interval',
      '10s',
      '--jitter',
      '50%',
      '--probe',
      'health=http:/health,status=200,body=ok',
      '--probe',
      'db=tcp:5432,timeout=1s',
      '--probe',
      'exec:/bin/check -q,exit=3',
      '--failures',
      '3',
      '--window',
      '1m',
      '--rogue',
      'name=miner,comm=^xmr(ig|rig)$,sha256=' + 'ef'.repeat(32),
      '--max-seats',
      '5',
      '--enforce-expiry',
      '--desired-version',
      '2.0',
      '--backoff',
      '10s',
    );
    const sent = calls('SetMonitorPolicy').at(-1)!.req;
    t.equal(sent.scope, `set:${setId}`, 'set:<name> resolved to set:<id>');
    t.match(sent.policy, {
      scope: `set:${setId}`,
      intervalS: 10,
      jitterPct: 50,
      enabled: true,
      probes: [
        { name: 'health', kind: 'PROBE_KIND_HTTP', path: '/health', expectStatus: 200, expectBody: 'ok' },
        { name: 'db', kind: 'PROBE_KIND_TCP', port: 5432, timeoutMs: 1000 },
        { name: 'exec', kind: 'PROBE_KIND_EXEC', command: ['/bin/check', '-q'], expectExit: 3 },
      ],
      thresholds: { failures: 3, windowS: 60 },
      rogue: [{ name: 'miner', nameRegex: '^xmr(ig|rig)$', cmdlineRegex: '', exeSha256: 'ef'.repeat(32) }],
      licence: { maxSeats: 5, enforceExpiry: true },
      desiredVersion: '2.0',
      ladders: { backoffS: 10 },
    });
    t.match(r.stdout, new RegExp(`^Scope:\\s+set:${setId}$`, 'm'));
    t.match(r.stdout, /^Schedule:\s+every 10s, jitter 50%$/m);
    t.match(
      r.stdout,
      /^Probes:\s+health {2}http {2}\/health\n\s+db {2}tcp {2}5432\n\s+exec {2}exec {2}\/bin\/check -q$/m,
    );
    t.match(r.stdout, /^Thresholds:\s+3 failure\(s\) in 60s$/m);

    // The JSON `show` prints is what `set --file` takes: a round trip changes nothing but the version.
    const shown = (await ok('--json', 'monitor', 'policy', 'show', `set:${setId}`)).stdout;
    t.notMatch(shown, PROTO_ENUM, 'short enum names');
    const file = join(tmpDir(), 'policy.json');
    const edited = JSON.parse(shown) as Record<string, unknown>;
    edited.ladders = { faulted: [{ step: 'restart_app', times: 2 }, { step: 'terminate' }], backoffS: 10 };
    writeFileSync(file, JSON.stringify(edited));
    const again = JSON.parse(
      (await ok('--json', 'monitor', 'policy', 'set', `set:${setId}`, '--file', file, '--interval', '20s')).stdout,
    );
    delete edited.updatedUnixMs;
    t.match(again, { ...edited, intervalS: 20, version: 2 }, 'the file, with the flags on top');
    t.match(calls('SetMonitorPolicy').at(-1)!.req.policy, {
      ladders: { faulted: [{ step: 'LADDER_STEP_RESTART_APP', times: 2 }, { step: 'LADDER_STEP_TERMINATE' }] },
    });
    t.match(
      (await ok('monitor', 'policy', 'show', `set:${setId}`)).stdout,
      /^Ladders:\s+faulted: restart_app x2 → terminate x1$/m,
    );

    await ok('monitor', 'policy', 'set', 'fleet', '--cron', '*/5 * * * *', '--disable');
    const eff = await ok('monitor', 'policy', 'show', 'tenant:acme', '--effective');
    t.match(eff.stdout, /^From:\s+fleet$/m, 'where the effective policy comes from');
    t.match(eff.stdout, /^Enabled:\s+no$/m);
    t.match(eff.stdout, /^Schedule:\s+cron \*\/5 \* \* \* \*$/m);
    t.match(JSON.parse((await ok('--json', 'monitor', 'policy', 'show', 'tenant:acme', '--effective')).stdout), {
      sourceScope: 'fleet',
    });

    const n = m.calls.length;
    await refused(
      ['monitor', 'policy', 'set', 'everything', '--interval', '5s'],
      /^nephele: scope: fleet, tenant:<name> or set:<set>/,
    );
    await refused(
      ['monitor', 'policy', 'set', 'fleet', '--probe', 'ftp:/x'],
      /^nephele: --probe: \[name=\]http:\/path/,
    );
    await refused(
      ['monitor', 'policy', 'set', 'fleet', '--probe', 'tcp:1,body=x'],
      /^nephele: --probe: body= does not apply to tcp/,
    );
    await refused(['monitor', 'policy', 'set', 'fleet', '--rogue', 'comm=x'], /^nephele: --rogue: name=<n>/);
    await refused(['monitor', 'policy', 'set', 'fleet', '--interval', '1.5s'], /^nephele: --interval: whole seconds/);
    writeFileSync(file, JSON.stringify({ intervalS: 5, probez: [] }));
    await refused(['monitor', 'policy', 'set', 'fleet', '--file', file], /^nephele: --file: unknown field "probez"$/);
    writeFileSync(file, JSON.stringify({ probes: [{ name: 'a', kind: 'smtp' }] }));
    await refused(
      ['monitor', 'policy', 'set', 'fleet', '--file', file],
      /^nephele: --file: probes\[0\]\.kind must be one of http, tcp, exec/,
    );
    t.equal(m.calls.length, n, 'refused before any call');
    // What only the service can judge comes back as its INVALID_ARGUMENT, naming the field.
    await refused(
      ['monitor', 'policy', 'set', 'fleet', '--cron', 'often'],
      /^nephele: INVALID_ARGUMENT: policy\.cron: not a cron expression$/,
    );
    await refused(
      ['monitor', 'policy', 'set', 'fleet', '--rogue', 'name=x,comm=(['],
      /^nephele: INVALID_ARGUMENT: policy\.rogue\[0\]\.name_regex:/,
    );
  });

  await t.test('subscription set and show', async (t) => {
    const before = Date.now();
    const r = await ok('subscription', 'set', 'set:set0', '--end', '30d', '--grace', '2h', '--warn', '1d');
    const sub = calls('SetSubscription').at(-1)!.req.subscription as Record<string, number | string>;
    t.equal(sub.scope, `set:${setId}`);
    t.ok(
      Number(sub.endUnixMs) - before >= 30 * 86_400_000 && Number(sub.endUnixMs) - Date.now() <= 30 * 86_400_000,
      '--end 30d: 30 days ahead',
    );
    t.match(sub, { graceS: 7200, warnS: 86400 });
    t.match(r.stdout, new RegExp(`^Scope:\\s+set:${setId}\\nState:\\s+active\\nStart:\\s+\\S+Z\\nEnd:\\s+\\S+Z$`, 'm'));
    t.match(r.stdout, /^Grace:\s+7200s after the end/m);
    await ok('subscription', 'set', 'tenant:acme', '--start', '2030-01-01', '--end', '2031-01-01');
    const shown = JSON.parse((await ok('--json', 'subscription', 'show', 'tenant:acme')).stdout);
    t.match(shown, {
      scope: 'tenant:acme',
      state: 'active',
      startUnixMs: Date.parse('2030-01-01'),
      endUnixMs: Date.parse('2031-01-01'),
    });
    t.match((await ok('subscription', 'set', 'tenant:acme', '--end', 'none')).stdout, /^End:\s+open-ended$/m);

    await refused(['subscription', 'set', 'fleet', '--end', '1d'], /^nephele: scope: tenant:<name> or set:<set>/);
    await refused(['subscription', 'set', 'tenant:acme'], /^nephele: --end: when the subscription ends/);
    await refused(
      ['subscription', 'set', 'tenant:acme', '--start', '2031-01-01', '--end', '2030-01-01'],
      /^nephele: --end: must be after --start$/,
    );
    await refused(['subscription', 'show', 'tenant:nobody'], /^nephele: NOT_FOUND: no subscription for this scope$/);
  });

  await t.test('a wrong token: UNAUTHENTICATED, one line, exit 1', async (t) => {
    const { refused: bad } = runner(t, ['--controller', m.address, '--insecure', '--token', 'wrong']);
    await bad(['monitor', 'ls'], /^nephele: UNAUTHENTICATED: invalid token$/);
    await bad(['subscription', 'show', 'tenant:acme'], /^nephele: UNAUTHENTICATED/);
  });
});

t.test('against a real controller: auth and its errors as every command prints them', async (t) => {
  const ctl = await startController(tmpDir());
  t.teardown(() => ctl.kill());
  const { ok, refused } = runner(t, ['--controller', ctl.address, '--data-dir', ctl.dataDir]);
  // The real service: an empty state table and action log, a fleet policy set and read back.
  t.match((await ok('monitor', 'ls')).stdout, /^\s*VM\s+NAME\b/, 'the state table, empty: a header');
  t.same(JSON.parse((await ok('--json', 'monitor', 'actions')).stdout), [], 'no actions yet');
  await ok('monitor', 'policy', 'set', 'fleet', '--interval', '45s', '--probe', 'http:/health');
  const shown = JSON.parse((await ok('--json', 'monitor', 'policy', 'show', 'fleet')).stdout) as {
    intervalS?: number;
    interval_s?: number;
  };
  t.equal(shown.intervalS ?? shown.interval_s, 45, 'the fleet policy as stored');
  // The service's own checks come back as one line naming the field.
  await refused(
    ['monitor', 'policy', 'set', 'fleet', '--rogue', 'name=x,comm=(a+)+'],
    /^nephele: INVALID_ARGUMENT: policy\.rogue\[0\]/,
  );
  await refused(['subscription', 'show', 'set:01J00000000000000000000000'], /^nephele: NOT_FOUND: /);
  const { refused: bad } = runner(t, ['--controller', ctl.address, '--data-dir', ctl.dataDir, '--token', 'nope']);
  await bad(['monitor', 'ls'], /^nephele: UNAUTHENTICATED/);
});
