#!/usr/bin/env node
import '../../common/quiet.js';
import { readFileSync } from 'node:fs';
import { withDefaultPort } from '../../common/address.js';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { statusName } from '../../common/grpc/status.js';
import { AdminClient, CliError, type ClientOptions } from './client.js';
import { terminalSafe } from './format.js';
import { runController } from './controller-cmd.js';
import { listAll, outputKit, type CliKit } from './kit.js';
import { formatOf } from './output.js';
import { registerTokenCommands } from './commands/token.js';
import { registerTenantCommands } from './commands/tenant.js';
import { registerHostCommands } from './commands/host.js';
import { registerGroupCommands } from './commands/group.js';
import { registerVmCommands } from './commands/vm.js';
import { registerEventCommands } from './commands/events.js';
import { registerSetCommands } from './commands/set.js';

const env = process.env;
const program = new Command('nephele')
  .description('Nephele: run virtual machines on a fleet of hosts')
  .option('--controller <addr>', 'controller address', env.NEPHELE_CONTROLLER ?? '127.0.0.1:7443')
  // Secrets come from the environment through .env(): --help names the variable, never its value.
  .addOption(new Option('--token <token>', 'API token (default: <data-dir>/admin.token)').env('NEPHELE_TOKEN'))
  .addOption(new Option('--token-file <file>', 'read the API token from this file').env('NEPHELE_TOKEN_FILE'))
  .option('--ca-file <file>', 'controller CA certificate (env NEPHELE_CA; default: <data-dir>/ca.pem)', env.NEPHELE_CA)
  .option(
    '--data-dir <dir>',
    "the controller's data dir, where the CLI finds admin.token and ca.pem",
    env.NEPHELE_DATA_DIR ?? '.nephele',
  )
  .option('--insecure', 'plain text to a loopback controller (development only)', false)
  .option('--json', 'print JSON instead of tables (same as -o json)', false)
  .option('-o, --output <format>', 'output format: table, wide, json, yaml, name (ids only)')
  .option('--no-headers', 'tables without their header row')
  .option('-q, --quiet', 'print only ids (or the secret of a new token)')
  .showHelpAfterError();

type Global = {
  controller: string;
  token?: string;
  tokenFile?: string;
  caFile?: string;
  dataDir: string;
  insecure: boolean;
  json: boolean;
  output?: string;
  headers: boolean;
  quiet?: boolean;
};
const g = (): Global => program.opts() as Global;

function readTokenFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new CliError(
      `--token-file: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

async function withClient<T>(fn: (c: AdminClient) => Promise<T>): Promise<T> {
  const o = g();
  const c = new AdminClient({
    controller: withDefaultPort(o.controller),
    token: o.token ?? (o.tokenFile ? readTokenFile(o.tokenFile) : undefined),
    caFile: o.caFile,
    dataDir: o.dataDir,
    insecure: o.insecure,
  } satisfies ClientOptions);
  try {
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
  .option('--listen <addr>', 'address to serve on', env.NEPHELE_LISTEN ?? '0.0.0.0:7443')
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
  .option('--log-level <level>', 'log level', env.NEPHELE_LOG_LEVEL ?? 'info')
  .action(async (o) => runController({ ...o, dataDir: g().dataDir, insecure: g().insecure }));

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
registerEventCommands(program, kit);
registerSetCommands(program, kit);

// `nephele events tail -f | head`: the reader went away, which ends us quietly (as it does `cat`).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

program.parseAsync().catch((e: unknown) => {
  const err = e as { code?: number | string; details?: string; message?: string };
  if (typeof err.code === 'number') {
    const detail =
      err.code === 14 ? `cannot reach controller at ${withDefaultPort(g().controller)} (${err.details})` : err.details;
    process.stderr.write(`nephele: ${statusName(err.code)}: ${terminalSafe(String(detail))}\n`);
  } else process.stderr.write(`nephele: ${terminalSafe(err.message ?? String(e))}\n`);
  process.exit(e instanceof CliError ? e.exitCode : 1);
});
