// Prometheus metrics (issue 11, "also build"): a real controller and a real
// agent started with --metrics-listen, a process VM created through the real
// CLI, both endpoints scraped over HTTP and their expositions parsed: every
// metric is there and the ones this run moved have moved. A non-loopback
// address is refused (one line, exit 1) unless --metrics-public.
import t from 'tap';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import {
  AGENT,
  CLI,
  FAST,
  cli,
  joinToken,
  listHosts,
  startAgent,
  startController,
  startToExit,
} from '../helpers/procs.js';
import { track } from '../helpers/reap.js';
import { killWith } from '../helpers/vms.js';
import { httpRequest, scrape } from '../helpers/metrics.js';

const CONTROLLER_METRICS = [
  'nephele_rpc_handled_total',
  'nephele_rpc_duration_seconds',
  'nephele_agent_sessions_open',
  'nephele_heartbeats_received_total',
  'nephele_event_log_last_seq',
  'nephele_events_appended_total',
  'nephele_event_log_write_errors_total',
  'nephele_watch_subscribers',
  'nephele_watch_buffered_events',
  'nephele_usage_records_stored_total',
  'nephele_usage_batches_refused_total',
  'nephele_store_write_duration_seconds',
  'nephele_vms',
  'nephele_vms_by_scheme',
  'nephele_vms_unplaced',
  'nephele_placements_total',
  'nephele_monitor_state_changes_total',
  'nephele_monitor_state_marks_total',
  'nephele_monitor_state_ignored_total',
  'nephele_monitor_appliances',
  'process_cpu_seconds_total',
  'nodejs_heap_size_used_bytes',
];
const AGENT_METRICS = [
  'nephele_agent_vms',
  'nephele_agent_driver_errors_total',
  'nephele_agent_session_connected',
  'nephele_agent_session_reconnects_total',
  'nephele_agent_outbox_depth',
  'nephele_agent_image_cache_bytes',
  'nephele_agent_commands_pending',
  'process_cpu_seconds_total',
];

/** The address a program logged for its metrics endpoint. */
const metricsAddress = (output: string) =>
  /"metrics_listen":"([^"]+)"/.exec(output)?.[1] ?? /"metrics":"([^"]+)"/.exec(output)?.[1];

t.test('controller and agent serve /metrics; the figures follow a process VM', async (t) => {
  const ctl = await startController(tmpDir(), { args: [...FAST, '--metrics-listen', '127.0.0.1:0'] });
  const adir = tmpDir();
  const agent = startAgent(ctl.address, adir, {
    joinToken: await joinToken(ctl),
    args: ['--metrics-listen', '127.0.0.1:0'],
  });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
    killWith(adir);
  });
  const ctlMetrics = metricsAddress(ctl.output())!;
  t.match(ctlMetrics, /^127\.0\.0\.1:\d+$/, 'the ready line names the metrics address');
  const agentMetrics = await waitFor(() => metricsAddress(agent.output()), { message: 'agent metrics address' });
  await waitFor(async () => (await listHosts(ctl))[0]?.inventory, { timeoutMs: 30_000, message: 'agent inventory' });

  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const made = await cli([...base, '--json', 'vm', 'create', '--scheme', 'process', '--name', 'm1', '--wait']);
  t.equal(made.code, 0, `vm create --wait: ${made.stderr}`);

  const c = await waitFor(
    async () => {
      const x = await scrape(ctlMetrics);
      return (x.value('nephele_heartbeats_received_total') ?? 0) > 0 ? x : undefined;
    },
    { timeoutMs: 10_000, message: 'a heartbeat counted' },
  );
  for (const name of CONTROLLER_METRICS) t.ok(c.names.has(name), `controller exposes ${name}`);
  t.ok((c.value('nephele_rpc_handled_total', { method: 'VmService.CreateVm', code: 'OK' }) ?? 0) > 0, 'CreateVm OK');
  t.ok((c.value('nephele_rpc_duration_seconds_count', { method: 'VmService.CreateVm' }) ?? 0) > 0, 'its latency');
  t.equal(c.value('nephele_agent_sessions_open'), 1, 'one agent session');
  t.ok((c.value('nephele_vms', { state: 'running' }) ?? 0) >= 1, 'a VM running');
  t.ok((c.value('nephele_vms_by_scheme', { scheme: 'process' }) ?? 0) >= 1, 'a process VM');
  t.equal(c.value('nephele_vms_unplaced'), 0, 'none unplaced');
  t.ok((c.value('nephele_placements_total') ?? 0) >= 1, 'a placement');
  t.ok((c.value('nephele_events_appended_total') ?? 0) > 0, 'events written');
  t.ok((c.value('nephele_store_write_duration_seconds_count') ?? 0) > 0, 'store writes timed');
  t.notOk(
    [...c.samples.keys()].some((k) => /[0-9A-HJKMNP-TV-Z]{26}/.test(k)),
    'no id in any label',
  );

  const a = await waitFor(
    async () => {
      const x = await scrape(agentMetrics);
      return (x.value('nephele_agent_vms', { state: 'running' }) ?? 0) >= 1 ? x : undefined;
    },
    { message: 'agent counts its VM running' },
  );
  for (const name of AGENT_METRICS) t.ok(a.names.has(name), `agent exposes ${name}`);
  t.equal(a.value('nephele_agent_session_connected'), 1, 'agent session connected');
  t.equal(a.value('nephele_agent_session_reconnects_total'), 0, 'no reconnects');
  t.ok((a.value('nephele_agent_outbox_depth') ?? -1) >= 0, 'outbox depth');
  t.equal(a.value('nephele_agent_image_cache_bytes'), 0, 'no base image cached');
  t.equal(a.value('nephele_agent_commands_pending'), 0, 'no management command pending');

  // A follower of the event log is a watch subscriber while it follows.
  const tail = spawn(process.execPath, [CLI, ...base, 'events', 'tail', '-f'], { stdio: 'ignore' });
  track(tail);
  await waitFor(async () => (await scrape(ctlMetrics)).value('nephele_watch_subscribers') === 1, {
    message: 'one watch subscriber',
  });
  tail.kill('SIGKILL');
  await waitFor(async () => (await scrape(ctlMetrics)).value('nephele_watch_subscribers') === 0, {
    message: 'the watch ended',
  });
  t.pass('watch subscribers follow events tail -f');

  // Only GET /metrics; the rest is 404.
  const ok = await httpRequest(ctlMetrics, '/metrics');
  t.match(ok.type, /^text\/plain; version=0\.0\.4/, 'text exposition format');
  t.equal((await httpRequest(ctlMetrics, '/')).status, 404, 'GET / is 404');
  t.equal((await httpRequest(agentMetrics, '/metrics', 'POST')).status, 404, 'POST /metrics is 404');
});

t.test('a non-loopback metrics address is refused, in one line, unless --metrics-public', async (t) => {
  const r = await startToExit(tmpDir(), ['--metrics-listen', '0.0.0.0:0']);
  t.equal(r.code, 1, 'controller exits 1');
  t.match(r.out, /^nephele: --metrics-listen: 0\.0\.0\.0 is not a loopback address .*--metrics-public\n$/, r.out);

  const agent = spawn(process.execPath, [AGENT, '--data-dir', tmpDir(), '--insecure'], {
    env: { ...process.env, NEPHELE_METRICS_LISTEN: '10.1.2.3:9465' }, // through the environment too
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(agent);
  let err = '';
  agent.stderr.on('data', (d) => (err += d));
  const code = await new Promise((r) => agent.once('exit', r));
  t.equal(code, 1, 'agent exits 1');
  t.match(err, /^nephele-agent: --metrics-listen: 10\.1\.2\.3 is not a loopback address .*--metrics-public\n$/, err);

  // An address already taken: one line, exit 1 (after a clean stop, not a stack trace).
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  t.teardown(() => taken.close());
  const busy = `127.0.0.1:${(taken.address() as AddressInfo).port}`;
  const inUse = await startToExit(tmpDir(), ['--metrics-listen', busy]);
  t.equal(inUse.code, 1, 'address in use: exit 1');
  t.match(
    inUse.out,
    new RegExp(`\\nnephele: --metrics-listen: cannot serve on ${busy} \\(EADDRINUSE\\)\\n$`),
    'says so',
  );

  const open = await startController(tmpDir(), {
    args: [...FAST, '--metrics-listen', '0.0.0.0:0', '--metrics-public'],
  });
  t.teardown(() => open.kill());
  const port = /"metrics":"[^"]*:(\d+)"/.exec(open.output())![1];
  t.ok((await scrape(`127.0.0.1:${port}`)).names.has('nephele_vms'), '--metrics-public: served on every address');

  for (const args of [['controller', '--help'], ['--help']]) {
    const help = args[0] === 'controller' ? await cli(args) : await runAgentHelp();
    t.match(help.stdout, /--metrics-listen <host:port>/, `${args.join(' ')} documents --metrics-listen`);
    t.match(help.stdout.replace(/\s+/g, ' '), /UNAUTHENTICATED/, 'and says it is unauthenticated');
    t.match(help.stdout.replace(/\s+/g, ' '), /NEPHELE_METRICS_LISTEN/, 'and its variable');
  }
});

async function runAgentHelp(): Promise<{ stdout: string }> {
  const p = spawn(process.execPath, [AGENT, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  track(p);
  let stdout = '';
  p.stdout.on('data', (d) => (stdout += d));
  await new Promise((r) => p.once('exit', r));
  return { stdout };
}
