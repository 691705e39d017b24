import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { AdminClient } from '../../controller/cli/client.js';
import type { CreateTokenResponse__Output } from '../../common/gen/nephele/v1/CreateTokenResponse.js';
import type { ListHostsResponse__Output } from '../../common/gen/nephele/v1/ListHostsResponse.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import { stopChild, track } from './children.js';

/** The repository root (this file runs from dist/scripts/bench/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DIST = join(ROOT, 'dist');

/** Last lines of a child's output, for error messages. */
export class Tail {
  private readonly lines: string[] = [];
  constructor(private readonly max = 40) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }
  toString(): string {
    return this.lines.join('\n');
  }
}

/** BENCH_CPU_PROF=<dir>: the servers under test write V8 CPU profiles there (for finding where the time goes). */
export function profileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

let flagsCache: Set<string> | undefined;

/** The options `nephele controller` accepts (read from its --help), so optional tuning flags are passed only where they exist. */
export function controllerFlags(): Set<string> {
  if (!flagsCache) {
    const r = spawnSync(process.execPath, [join(DIST, 'controller/cli/main.js'), 'controller', '--help'], { encoding: 'utf8', timeout: 30_000 });
    flagsCache = new Set(r.stdout?.match(/--[a-z][a-z-]+/g) ?? []);
  }
  return flagsCache;
}

export interface RunningController {
  proc: ChildProcess;
  pid: number;
  address: string;
  dataDir: string;
  output: Tail;
  admin(): AdminClient;
  stop(): Promise<void>;
}

/**
 * Starts the real controller (`nephele controller`) as a child process and
 * waits for its ready line on stdout.
 */
export async function startController(dataDir: string, extraArgs: string[] = [], timeoutMs = 30_000, port = 0): Promise<RunningController> {
  const args = [join(DIST, 'controller/cli/main.js'), '--data-dir', dataDir, 'controller', '--listen', `127.0.0.1:${port}`, '--log-level', 'warn', ...extraArgs];
  const proc = track(spawn(process.execPath, [...profileArgs(), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NEPHELE_LOG_JSON: '1' } }));
  const output = new Tail();
  // Keep draining both pipes for the controller's whole life: a full pipe would stall it.
  createInterface({ input: proc.stderr! }).on('line', (l) => output.push(l));
  const lines = createInterface({ input: proc.stdout! });
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`controller not ready after ${timeoutMs} ms\n${output}`)), timeoutMs);
    lines.on('line', (l) => {
      output.push(l);
      if (!l.includes('nephele controller ready')) return;
      try {
        const msg = JSON.parse(l) as { port?: number };
        clearTimeout(timer);
        resolve(Number(msg.port));
      } catch {
        /* a log line that merely mentions it */
      }
    });
    proc.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`controller exited (${sig ?? code}) before it was ready\n${output}`));
    });
  });
  try {
    port = await ready;
  } catch (e) {
    await stopChild(proc);
    throw e;
  }
  const address = `127.0.0.1:${port}`;
  return {
    proc,
    pid: proc.pid!,
    address,
    dataDir,
    output,
    admin: () => new AdminClient({ controller: address, dataDir, timeoutMs: 60_000 }),
    stop: () => stopChild(proc),
  };
}

/** One join token (the secret string an agent passes as --join-token). */
export async function createJoinToken(admin: AdminClient, description = 'bench'): Promise<string> {
  // The controller rate-limits API tokens; back off and retry rather than fail the run.
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await admin.call<CreateTokenResponse__Output>((md, o, cb) =>
        admin.auth.CreateToken({ kind: 'TOKEN_KIND_JOIN', ttlSeconds: 3600, description }, md, o, cb),
      );
      return res.secret;
    } catch (e) {
      if ((e as { code?: number }).code !== grpc.status.RESOURCE_EXHAUSTED || attempt >= 100) throw e;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
    }
  }
}

/** Polls ListHosts until a host named `name` is READY. */
export async function waitHostReady(admin: AdminClient, name: string, timeoutMs = 60_000): Promise<Host> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await admin.call<ListHostsResponse__Output>((md, o, cb) => admin.hosts.ListHosts({ pageSize: 1000, state: 'HOST_STATE_READY' }, md, o, cb));
    const h = res.hosts.find((x) => x.name === name);
    if (h) return h;
    if (Date.now() > deadline) throw new Error(`host ${name} not READY after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
