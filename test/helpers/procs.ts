import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { AdminClient } from '../../controller/cli/client.js';
import { unary } from '../../common/grpc/promisify.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { ListHostsResponse__Output } from '../../common/gen/nephele/v1/ListHostsResponse.js';
import type { CreateTokenResponse__Output } from '../../common/gen/nephele/v1/CreateTokenResponse.js';
import { track } from './reap.js';
import { waitFor } from './wait.js';

// Real processes from the compiled tree (dist/), as operators run them.
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(ROOT, 'dist/controller/cli/main.js');
export const AGENT = join(ROOT, 'dist/agent/main.js');

export interface Proc {
  proc: ChildProcess;
  output(): string;
  /** Each stream on its own (output() interleaves them, which can split a line). */
  stdout(): string;
  stderr(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

/** `wrap`: a command line the node process runs under (e.g. setpriv to drop to another uid). */
function start(args: string[], env: Record<string, string> = {}, wrap: string[] = []): Proc {
  const argv = [...wrap, process.execPath, ...args];
  const proc = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, NEPHELE_LOG_JSON: '1', NEPHELE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(proc); // killed when the test file ends, whatever ends it
  let out = '';
  const own = { stdout: '', stderr: '' };
  proc.stdout!.on('data', (d) => ((out += d), (own.stdout += d)));
  proc.stderr!.on('data', (d) => ((out += d), (own.stderr += d)));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const end = async (sig: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(sig);
    await exited;
  };
  return {
    proc,
    output: () => out,
    stdout: () => own.stdout,
    stderr: () => own.stderr,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    exited,
  };
}

export interface ControllerProc extends Proc {
  port: number;
  address: string;
  dataDir: string;
  admin(): AdminClient;
}

/** Fast liveness for tests: 200 ms beats, unreachable after 3 missed, down 2 s later. */
export const FAST = ['--min-heartbeat', '200ms', '--missed-beats', '3', '--down-after', '2s'];

export async function startController(
  dataDir: string,
  opts: { port?: number; args?: string[]; env?: Record<string, string> } = {},
): Promise<ControllerProc> {
  const p = start(
    [CLI, '--data-dir', dataDir, 'controller', '--listen', `127.0.0.1:${opts.port ?? 0}`, ...(opts.args ?? FAST)],
    opts.env,
  );
  const ready = await waitFor(
    () => {
      const line = p
        .stdout()
        .split('\n')
        .find((l) => l.includes('"msg":"nephele controller ready"'));
      if (!line && p.proc.exitCode !== null) throw new Error(`controller exited: ${p.output()}`);
      return line && /"port":(\d+)/.exec(line);
    },
    { timeoutMs: 20_000, message: 'controller ready' },
  );
  const port = Number(ready[1]);
  const address = `127.0.0.1:${port}`;
  return { ...p, port, address, dataDir, admin: () => new AdminClient({ controller: address, dataDir }) };
}

/** Runs a controller to its exit, for starts that must fail (killed after 30 s if it does not). */
export async function startToExit(dataDir: string, args: string[] = []): Promise<{ code: number | null; out: string }> {
  const p = start([CLI, '--data-dir', dataDir, 'controller', '--listen', '127.0.0.1:0', ...args]);
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), 30_000);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, out: p.output() };
}

export async function joinToken(c: ControllerProc, opts: { ttlSeconds?: number } = {}): Promise<string> {
  const a = c.admin();
  try {
    const r = await a.call<CreateTokenResponse__Output>((md, o, cb) =>
      a.auth.CreateToken({ kind: 'TOKEN_KIND_JOIN', ttlSeconds: opts.ttlSeconds ?? 600 }, md, o, cb),
    );
    return r.secret;
  } finally {
    a.close();
  }
}

/**
 * An agent dropped to another uid must be able to reach the checkout's dist/ and
 * node_modules/. A clone made with `mktemp -d` sits in a 0700 dir: its
 * ancestors get search permission for others (not read: nothing is listed) for
 * as long as this test process runs, and their modes are put back at exit.
 */
let traversable = false;
function letOthersReachRoot(): void {
  if (traversable) return;
  traversable = true;
  const changed: [string, number][] = [];
  for (let d = ROOT.replace(/\/$/, ''); d !== dirname(d); d = dirname(d)) {
    const mode = statSync(d).mode & 0o7777;
    if (!(mode & 0o001)) {
      chmodSync(d, mode | 0o001);
      changed.push([d, mode]);
    }
  }
  process.on('exit', () => {
    for (const [d, mode] of changed) chmodSync(d, mode);
  });
}

/** `uid`: run the agent as that unprivileged user (setpriv; its data dir must be theirs). */
export function startAgent(
  controller: string,
  dataDir: string,
  opts: { joinToken?: string; name?: string; args?: string[]; uid?: number; env?: Record<string, string> } = {},
): Proc {
  // Only the process scheme unless a test asks for more: a qemu fingerprint boots a probe guest.
  const schemes = opts.args?.includes('--schemes') ? [] : ['--schemes', 'process'];
  const args = [
    AGENT,
    '--controller',
    controller,
    '--data-dir',
    dataDir,
    '--name',
    opts.name ?? 'test-agent',
    '--inventory-interval',
    '10m',
    ...schemes,
    ...(opts.args ?? []),
  ];
  if (opts.joinToken) args.push('--join-token', opts.joinToken);
  if (opts.uid !== undefined) letOthersReachRoot();
  const wrap =
    opts.uid === undefined ? [] : ['setpriv', `--reuid=${opts.uid}`, `--regid=${opts.uid}`, '--clear-groups', '--'];
  return start(args, opts.env, wrap);
}

export function hostIdOf(agentDataDir: string): string {
  return (JSON.parse(readFileSync(join(agentDataDir, 'host.json'), 'utf8')) as { hostId: string }).hostId;
}

export async function listHosts(c: ControllerProc): Promise<Host[]> {
  const a = c.admin();
  try {
    const r = await a.call<ListHostsResponse__Output>((md, o, cb) => a.hosts.ListHosts({ pageSize: 1000 }, md, o, cb));
    return r.hosts;
  } finally {
    a.close();
  }
}

/** Waits until `n` hosts are ready and have reported their inventory (VMs can be placed on them). */
export async function hostsReady(c: ControllerProc, n = 1): Promise<void> {
  await waitFor(
    async () => (await listHosts(c)).filter((h) => h.state === 'HOST_STATE_READY' && h.inventory).length >= n,
    { timeoutMs: 30_000, message: `${n} host(s) ready` },
  );
}

/** One host, full view unless asked (ListHosts is basic: no software list). */
export async function getHost(
  c: ControllerProc,
  hostId: string,
  view?: 'HOST_VIEW_BASIC' | 'HOST_VIEW_FULL',
): Promise<Host> {
  const a = c.admin();
  try {
    return (
      await a.call<{ host: Host }>((md, o, cb) =>
        a.hosts.GetHost({ hostId, ...(view ? { view } : {}) }, md, o, cb as never),
      )
    ).host;
  } finally {
    a.close();
  }
}

export async function hostState(c: ControllerProc, id: string): Promise<string | undefined> {
  return (await listHosts(c)).find((h) => h.id === id)?.state;
}

/** Runs the CLI to completion. */
export async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => proc.once('exit', r));
  return { code, stdout, stderr };
}

export { grpc, unary };
