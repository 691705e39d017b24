#!/usr/bin/env node
import '../../common/quiet.js';
import { withDefaultPort } from '../../common/address.js';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { statusName } from '../../common/grpc/status.js';
import { AdminClient, CliError, type ClientOptions } from './client.js';
import { connectionMessage, type ConnInfo } from './connect-errors.js';
import { defaultConfigPath, readTokenFile, selectContext, withContext } from './config.js';
import { registerConfigCommands } from './config-cmd.js';
import { registerCompletionCommand } from './completion.js';
import { registerVersionCommand } from './version.js';
import { duration } from './parse.js';
import { DEFAULT_CONNECTION_CAPS } from '../../common/grpc/connections.js';
import { versionLine } from '../../common/version.js';
import { terminalSafe } from './format.js';
import { listAll, outputKit, type CliKit } from './kit.js';
import { formatOf } from './output.js';
import { registerTokenCommands } from './commands/token.js';
import { registerTenantCommands } from './commands/tenant.js';
import { registerHostCommands } from './commands/host.js';
import { registerGroupCommands } from './commands/group.js';
import { registerVmCommands } from './commands/vm.js';
import { registerVmTransferCommands } from './commands/vm-transfer.js';
import { registerEventCommands } from './commands/events.js';
import { registerBusCommands } from './commands/bus.js';
import { registerSetCommands } from './commands/set.js';
import { registerUsageExportCommands } from './commands/usage-export.js';
import { registerPeerCommands } from './commands/peer.js';
import { registerUsagePushCommand } from './commands/usage-push.js';
import { registerBackupCommands } from './commands/backup.js';
import { registerUsageCommands } from './commands/usage.js';
import { registerReclassApplyCommand } from './commands/reclass-apply.js';
import { registerImageCommands } from './commands/image.js';
import { registerMgmtCommands } from './commands/mgmt.js';
import { registerSetUpdateCommands } from './commands/set-update.js';
import { registerMonitorCommands } from './commands/monitor.js';
import { registerSubscriptionCommands } from './commands/subscription.js';
import { registerClassCommands } from './commands/class.js';
import { registerReclassPolicyCommands } from './commands/reclass-policy.js';
import { registerReclassAnalyzeCommand } from './commands/reclass-analyze.js';
import { registerReclassRecommendCommands } from './commands/reclass-recommend.js';
import { registerNativeCommands } from './commands/native.js';
import { registerSchemeCommands } from './commands/scheme.js';
import { registerVmMigrateCommand } from './commands/vm-migrate.js';
import { DEFAULT_METRICS_PORT, metricsListenOption, metricsPublicOption } from '../../common/metrics/listen.js';

const program = new Command('nephele')
  .description('Nephele: run virtual machines on a fleet of hosts')
  // Every setting from the environment goes through .env(): --help names the variable, never its value.
  .addOption(
    new Option('--controller <addr>', 'controller address host[:port] (port 7443 when left out)')
      .env('NEPHELE_CONTROLLER')
      .default('127.0.0.1:7443'),
  )
  .addOption(new Option('--token <token>', 'API token (default: <data-dir>/admin.token)').env('NEPHELE_TOKEN'))
  .addOption(new Option('--token-file <file>', 'read the API token from this file').env('NEPHELE_TOKEN_FILE'))
  .addOption(new Option('--ca-file <file>', 'controller CA certificate (default: <data-dir>/ca.pem)').env('NEPHELE_CA'))
  .addOption(
    new Option('--data-dir <dir>', "the controller's data dir, where the CLI finds admin.token and ca.pem")
      .env('NEPHELE_DATA_DIR')
      .default('.nephele'),
  )
  .addOption(
    // Not --config: create commands take --config k=v (guest settings), and a global
    // option of that name would swallow theirs wherever it is written.
    new Option('--config-file <file>', `config file with named contexts (default: ${defaultConfigPath()})`).env(
      'NEPHELE_CONFIG',
    ),
  )
  .addOption(
    new Option('--context <name>', "context of the config file to use (default: the file's current)").env(
      'NEPHELE_CONTEXT',
    ),
  )
  .addOption(
    new Option('--connect-timeout <duration>', 'give up when no connection to the controller comes up within this')
      .env('NEPHELE_CONNECT_TIMEOUT')
      .default('10s'),
  )
  .option('-V, --version', 'print the client version')
  .option('--insecure', 'plain text to a loopback controller (development only)', false)
  .option('--json', 'print JSON instead of tables (same as -o json)', false)
  .option('-o, --output <format>', 'output format: table, wide, json, yaml, name (ids only)')
  .option('--no-headers', 'tables without their header row')
  .option('-q, --quiet', 'print only ids (or the secret of a new token)')
  // A usage error is one line, like every other error; --help has the rest.
  .configureOutput({
    outputError: (str, write) => write(`nephele: ${str.replace(/^error: /, '').trimEnd()} (see --help)\n`),
  });

type Global = {
  controller: string;
  token?: string;
  tokenFile?: string;
  caFile?: string;
  dataDir: string;
  configFile?: string;
  context?: string;
  connectTimeout: string;
  insecure: boolean;
  json: boolean;
  output?: string;
  headers: boolean;
  quiet?: boolean;
};
const g = (): Global => program.opts() as Global;

const configPath = () => g().configFile ?? defaultConfigPath();

/** The connection of the last client made, for the message when it fails. */
let lastConn: ConnInfo | undefined;

async function withClient<T>(fn: (c: AdminClient) => Promise<T>, anonymous = false): Promise<T> {
  const file = g().configFile;
  if (file !== undefined && !existsSync(file))
    throw new CliError(`--config-file: no file at ${file} (NEPHELE_CONFIG may name it)`);
  const o = withContext(g(), (k) => program.getOptionValueSource(k), selectContext(configPath(), g().context));
  const c = new AdminClient({
    controller: withDefaultPort(o.controller),
    token: o.token ?? (o.tokenFile ? readTokenFile(o.tokenFile, o.tokenFileFrom) : undefined),
    caFile: o.caFile,
    dataDir: o.dataDir,
    insecure: o.insecure,
    connectTimeoutMs: duration('--connect-timeout', o.connectTimeout),
    anonymous,
  } satisfies ClientOptions);
  lastConn = c.conn;
  try {
    // Streams too end at --connect-timeout when the endpoint never answers.
    await c.ready();
    return await fn(c);
  } finally {
    c.close();
  }
}

function out(data: unknown, human: () => string): void {
  outputKit(g).out(data, human);
}

// --- controller
program
  .command('controller')
  .description('run the controller')
  .addOption(new Option('--listen <addr>', 'address to serve on').env('NEPHELE_LISTEN').default('0.0.0.0:7443'))
  .option('--name <names...>', 'extra DNS names or IPs for the server certificate')
  .option('--max-beats-per-sec <n>', 'heartbeats per second the whole fleet may send', '50')
  .option('--min-heartbeat <duration>', 'shortest heartbeat interval', '5s')
  .option('--max-heartbeat <duration>', 'longest heartbeat interval', '60s')
  .option('--missed-beats <n>', 'missed intervals before a host is unreachable', '3')
  .option('--down-after <duration>', 'unreachable this long → down', '5m')
  .option('--event-retention <duration>', 'keep non-audit events this long', '30d')
  .option('--event-max <n>', 'keep at most this many non-audit events', '1000000')
  .option('--audit-retention <duration>', 'keep audit events this long', '365d')
  .option('--audit-max <n>', 'keep at most this many audit events', '1000000')
  .option('--record-retention <duration>', 'keep destroyed VM and retired set records this long', '7d')
  .option('--usage-retention <levels>', 'keep usage per level: raw=7d,hour=90d,day=2y (h, d, w, y)', '')
  .option('--usage-rollup-cron <expr>', 'when usage rollups run (node-cron; seconds allowed)', '* * * * *')
  .option('--agent-cert-ttl <duration>', 'lifetime of agent certificates (renewed at two thirds)', '30d')
  .option('--rate-limit <n>', 'API calls per second per token (bursts of twice that)', '100')
  .option('--host-rate-limit <n>', 'session messages per second per host (bursts of ten times that)', '200')
  .option(
    '--peer-refusal-limit <n>',
    'failed anonymous calls per second per client address; past it (bursts of 2.5 times that) its Enroll calls are refused before any work',
    '20',
  )
  .option(
    '--refusal-audit-window <duration>',
    'refused calls are audited one by one up to 10 per caller in this window; the rest become one aggregate event when it closes',
    '1m',
  )
  .option('--max-watches <n>', 'open WatchEvents streams in all', '256')
  .option('--max-watches-per-token <n>', 'open WatchEvents streams per API token', '16')
  .option(
    '--watch-buffer <n>',
    'live events a watcher may have waiting; past it the watch ends with ABORTED and the seq to resume after',
    '1000',
  )
  .option(
    '--max-reconnects-per-sec <n>',
    'agents spread their reconnects (after a controller restart) so that about this many sessions start per second',
    '200',
  )
  .option(
    '--max-connections <n>',
    'TCP connections the gRPC port holds at once; past it new ones are closed before TLS',
    String(DEFAULT_CONNECTION_CAPS.total),
  )
  .option(
    '--max-connections-per-ip <n>',
    'TCP connections the gRPC port holds at once from one client address (agents behind one NAT share one)',
    String(DEFAULT_CONNECTION_CAPS.perAddress),
  )
  .addOption(
    new Option('--strategy <name>', 'placement for sets that do not choose: fill hosts or use the emptiest')
      .choices(['binpack', 'spread'])
      .default('spread'),
  )
  .option('--overcommit <ratio>', 'best-effort sets may reserve up to capacity × this', '2')
  .option('--replace-after <duration>', "a down host's guaranteed VMs are re-placed after this grace", '5m')
  .option('--max-placement-attempts <n>', 'hosts a VM is tried on before its set reports it unplaced', '3')
  .option(
    '--min-free-disk <size|%>',
    'below this much free space under the data dir, the store space alarm refuses new mutating work (0 = off)',
    '1G',
  )
  .option(
    '--accept-store-loss',
    'start on a store that lost data (behind its sentinel, or corrupt: repaired first) instead of refusing; use once, after deciding not to restore a backup',
  )
  .option('--usage-export-dir <dir>', 'where scheduled usage exports to a directory go (default: <data-dir>/exports)')
  .option(
    '--usage-export-settle <duration>',
    'scheduled exports take an interval this long after it started (late batches)',
    '2m',
  )
  .addOption(
    new Option(
      '--monitor-store <url>',
      'mirror the appliance state table and action log to postgres://user:pw@host/db or jsonl:<dir>',
    ).env('NEPHELE_MONITOR_STORE'),
  )
  .option('--reclass-schedule <cron>', 'run reclassification (Recommend over the fleet) on this node-cron schedule')
  .option('--reclass-webhook <url>', 'POST each reclassification recommendation to this http(s) URL')
  .addOption(new Option('--log-level <level>', 'log level').env('NEPHELE_LOG_LEVEL').default('info'))
  .addOption(metricsListenOption(DEFAULT_METRICS_PORT.controller))
  .addOption(metricsPublicOption())
  // Loaded only here: the controller's modules cost every admin command ~350 ms of start-up.
  .action(async (o) => {
    const { runController } = await import('./controller-cmd.js');
    return runController({ ...o, dataDir: g().dataDir, insecure: g().insecure });
  });

// --- break-glass
program
  .command('admin-token')
  .description('the admin API token in the data dir')
  .command('reset')
  .description(
    'offline break-glass: with the controller stopped, issue a new admin API token into <data-dir>/admin.token',
  )
  .action(async () => {
    const { resetAdminToken } = await import('../auth/break-glass.js');
    const { createLogger } = await import('../../common/logger.js');
    const r = await resetAdminToken(
      resolve(g().dataDir),
      createLogger('nephele-admin-token', { level: 'error', destination: 2 }),
    );
    out(r, () => `new admin API token ${r.tokenId} written to ${r.file}`);
  });

// Command groups, in the order `nephele --help` lists them.
const kit: CliKit = { withClient, listAll, ...outputKit(g) };
// A bad -o is refused before a command does anything (not after it created something).
program.hook('preAction', () => void formatOf(g()));
registerTokenCommands(program, kit);
registerTenantCommands(program, kit);
registerHostCommands(program, kit);
registerGroupCommands(program, kit);
registerVmCommands(program, kit);
registerVmTransferCommands(program, kit);
registerEventCommands(program, kit);
registerBusCommands(program, kit);
registerSetCommands(program, kit);
registerMgmtCommands(program, kit);
registerUsageExportCommands(program, kit);
registerUsagePushCommand(program, kit);
registerPeerCommands(program, kit);
registerBackupCommands(program, kit);
registerUsageCommands(program, kit);
registerReclassApplyCommand(program, kit);
registerImageCommands(program, kit);
registerSetUpdateCommands(program, kit);
registerMonitorCommands(program, kit);
registerSubscriptionCommands(program, kit);
registerClassCommands(program, kit);
registerReclassPolicyCommands(program, kit);
registerReclassAnalyzeCommand(program, kit);
registerReclassRecommendCommands(program, kit);
registerNativeCommands(program, kit);
registerSchemeCommands(program, kit);
registerVmMigrateCommand(program, kit);
registerVersionCommand(program, { withAnonymousClient: (fn) => withClient(fn, true), out });
registerConfigCommands(program, { configPath, out, given: (k) => program.getOptionValueSource(k) === 'cli' });
registerCompletionCommand(program);
program.addHelpText(
  'after',
  `
Settings come from, first to last: flags, NEPHELE_* environment variables, the
context chosen by --context / NEPHELE_CONTEXT (else the config file's current),
then the defaults. The config file (--config-file / NEPHELE_CONFIG, default
${defaultConfigPath()}) names contexts, each with controller, ca-file,
token-file and insecure; see \`nephele config --help\`.`,
);
// Read lazily: only --version pays for asking git which commit this is.
program.on('option:version', () => {
  process.stdout.write(`nephele ${versionLine()}\n`);
  process.exit(0);
});

// `nephele events tail -f | head`: the reader went away, which ends us quietly (as it does `cat`).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

program.parseAsync().catch((e: unknown) => {
  const err = e as { code?: number | string; details?: string; message?: string };
  const conn = lastConn && connectionMessage(e, lastConn);
  if (conn) process.stderr.write(`nephele: ${terminalSafe(conn)}\n`);
  else if (typeof err.code === 'number') {
    process.stderr.write(`nephele: ${statusName(err.code)}: ${terminalSafe(String(err.details))}\n`);
  } else process.stderr.write(`nephele: ${terminalSafe(err.message ?? String(e))}\n`);
  process.exit(e instanceof CliError ? e.exitCode : 1);
});
