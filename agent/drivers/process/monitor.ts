import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ApplianceProcess, Licence } from '../../../common/model/monitor.js';
import { DriverError, type ApplianceSample } from '../driver.js';
import { cleanEnv } from './files.js';
import { readConfig } from './manage.js';
import { ioBytes, killTree, treeOf } from './proc.js';
import type { Isolation } from './probe.js';
import { awaitReady, sandboxArgv, vmPaths } from './sandbox.js';

// The appliance monitor's view of a process VM (issue 14): its process tree
// from /proc, its config, and commands run in a fresh sandbox of the VM.

export const MAX_PROCESSES = 256;
export const CMDLINE_MAX = 512;
export const EXEC_OUTPUT_MAX = 256;
const HASH_CACHE_MAX = 1024;

/** Where the process driver records an appliance version (manage.ts VERSION_FILE). */
const VERSION_FILE = 'appliance-version';

/**
 * sha256 of executables, keyed by (dev, ino, mtime, size): a poll hashes only
 * what changed. Streamed (a node binary is ~100 MB: never block the agent's loop).
 */
export class ExeHashCache {
  private readonly m = new Map<string, Promise<string>>();
  hashes = 0;

  async of(pid: number): Promise<string> {
    const exe = `/proc/${pid}/exe`;
    let key: string;
    try {
      const s = statSync(exe, { bigint: true });
      key = `${s.dev}:${s.ino}:${s.mtimeNs}:${s.size}`;
    } catch {
      return ''; // gone, or a kernel thread / another uid's process we may not read
    }
    let h = this.m.get(key);
    if (!h) {
      // Bounded: drop the oldest entry (Map keeps insertion order).
      if (this.m.size >= HASH_CACHE_MAX) this.m.delete(this.m.keys().next().value!);
      this.hashes++;
      h = hashFile(exe).catch(() => '');
      this.m.set(key, h);
    }
    const out = await h;
    if (!out) this.m.delete(key); // unreadable this time: try again next poll
    return out;
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** /proc/<pid>/cmdline as one line: NULs to spaces, at most CMDLINE_MAX bytes. */
export function cmdlineText(raw: Buffer): string {
  let end = raw.length;
  while (end > 0 && raw[end - 1] === 0) end--;
  const s = raw.subarray(0, end).toString('utf8').replace(/\0/g, ' ');
  return Buffer.byteLength(s) <= CMDLINE_MAX ? s : Buffer.from(s).subarray(0, CMDLINE_MAX).toString('utf8');
}

function readOr(path: string, fallback = ''): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** The VM's process tree (its root first), at most MAX_PROCESSES. */
export async function processesOf(root: number, hashes: ExeHashCache): Promise<ApplianceProcess[]> {
  const out: ApplianceProcess[] = [];
  for (const pid of treeOf(root).slice(0, MAX_PROCESSES)) {
    let cmd: Buffer;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`);
    } catch {
      continue; // exited since the tree was read
    }
    const name = readOr(`/proc/${pid}/comm`).trim();
    out.push({ pid, name, cmdline: cmdlineText(cmd), exeSha256: await hashes.of(pid) });
  }
  return out;
}

/** A config time as unix ms: digits are unix seconds (or ms when that large), else an ISO date. */
export function timeMs(s: string | undefined): number {
  if (!s) return 0;
  if (/^\d{1,16}$/.test(s)) return Number(s) < 1e11 ? Number(s) * 1000 : Number(s);
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : 0;
}

const count = (s: string | undefined) => (s && /^\d{1,9}$/.test(s) ? Number(s) : 0);

export function licenceOf(cfg: Record<string, string>): Licence {
  return {
    licenceId: (cfg.licence_id ?? '').slice(0, 128),
    seats: count(cfg.licence_seats),
    seatsInUse: count(cfg.licence_seats_in_use),
    expiresUnixMs: timeMs(cfg.licence_expires),
  };
}

/** Users the appliance reports: config `users` (comma-separated), at most 64. */
export function usersOf(cfg: Record<string, string>): string[] {
  return (cfg.users ?? '')
    .split(',')
    .map((u) => u.trim().slice(0, 64))
    .filter(Boolean)
    .slice(0, 64);
}

/** One poll of a process VM's appliance; `pid` 0 when the app is not running. */
export async function sampleOf(dir: string, pid: number, hashes: ExeHashCache): Promise<ApplianceSample> {
  const cfg = readConfig(dir);
  const processes = pid ? await processesOf(pid, hashes) : [];
  let read = 0;
  let write = 0;
  for (const p of processes) {
    const io = ioBytes(p.pid);
    read += io.read;
    write += io.write;
  }
  return {
    app: pid && processes.length ? 'running' : 'stopped',
    // The version an update recorded, else the one the config came with.
    applianceVersion: (readOr(join(dir, VERSION_FILE)).trim() || cfg.appliance_version || '').slice(0, 64),
    configHash: createHash('sha256')
      .update(readOr(vmPaths(dir).config))
      .digest('hex'),
    processes,
    users: usersOf(cfg),
    licence: licenceOf(cfg),
    // A process VM shares the host's network (no counters of its own).
    io: { diskReadBytes: read, diskWriteBytes: write, netRxBytes: 0, netTxBytes: 0 },
  };
}

export function checkArgv(argv: string[]): void {
  if (!argv.length || argv.length > 64) throw new DriverError('exec: 1 to 64 argv words', 'INVALID_SPEC');
  if (argv.some((w) => w.length > 4096 || w.includes('\0')))
    throw new DriverError('exec: argv words of at most 4096 characters, no NUL', 'INVALID_SPEC');
}

export interface ExecOptions {
  dir: string;
  uid: number;
  memoryMiB: number;
  argv: string[];
  timeoutMs: number;
}

/**
 * Runs argv in a NEW sandbox of the VM: its uid, its home, no host network
 * (own network namespace), the VM's config read-only. Never on the host.
 */
export async function execInSandbox(
  o: ExecOptions,
  isolation: Isolation,
): Promise<{ exitCode: number; output: string }> {
  // Fail closed: without the sandbox the command would run on the host itself.
  if (!isolation.full)
    throw new DriverError(
      `refused: this host cannot isolate an exec (isolation: none: ${isolation.reason})`,
      'UNSUPPORTED',
    );
  checkArgv(o.argv);
  const paths = vmPaths(o.dir);
  const argv = sandboxArgv(
    {
      dir: o.dir,
      uid: o.uid,
      ownNetwork: true,
      tmpMiB: Math.min(o.memoryMiB, 64),
      readOnly: [paths.config],
      mode: 'exec',
    },
    ['sh', '-c', 'cd "$HOME" 2>/dev/null; exec "$@"', 'nephele-exec', ...o.argv],
  );
  const child = spawn(argv[0]!, argv.slice(1), {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    cwd: o.dir,
    env: { ...cleanEnv(), HOME: paths.home },
  });
  child.on('error', () => {});
  const pid = child.pid;
  if (!pid) throw new DriverError('exec: could not start the sandbox');
  let out = Buffer.alloc(0);
  const take = (d: Buffer) => {
    if (out.length < EXEC_OUTPUT_MAX) out = Buffer.concat([out, d]).subarray(0, EXEC_OUTPUT_MAX);
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, sig) => resolve(code ?? (sig ? 128 + (signalNumber[sig] ?? 0) : 255))),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      killTree(pid);
      reject(new DriverError(`exec: timed out after ${o.timeoutMs} ms`));
    }, o.timeoutMs);
  });
  try {
    await Promise.race([awaitReady(child.stdio[3] as Readable, o.timeoutMs), timeout]);
    const exitCode = await Promise.race([exited, timeout]);
    return { exitCode, output: out.toString('utf8') };
  } catch (e) {
    killTree(pid);
    throw e instanceof DriverError ? e : new DriverError(`exec: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

const signalNumber: Partial<Record<NodeJS.Signals, number>> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGSEGV: 11 };

/**
 * kill_process: SIGKILLs `a.pid` only when it lies inside the VM's own tree
 * (never the app's root: that is stop_app), and, when given, its executable
 * still hashes to `a.exeSha256` and its comm is `a.name` (a reused pid is not it).
 */
export async function killInTree(
  root: number,
  a: { pid?: number; exeSha256?: string; name?: string },
  hashes: ExeHashCache,
): Promise<string> {
  const pid = a.pid ?? 0;
  if (!root) throw new DriverError('the app is not running', 'FAILED');
  if (!(pid > 0) || pid === root)
    throw new DriverError('kill_process: pid must be a process of the vm other than its app', 'INVALID_SPEC');
  if (!treeOf(root).includes(pid)) throw new DriverError('kill_process: no such process in this vm', 'NOT_FOUND');
  if (a.exeSha256 && (await hashes.of(pid)) !== a.exeSha256)
    throw new DriverError('kill_process: the process executable differs from the one polled', 'FAILED');
  if (a.name && readOr(`/proc/${pid}/comm`).trim() !== a.name)
    throw new DriverError('kill_process: the process name differs from the one polled', 'FAILED');
  killTree(pid);
  return `killed pid ${pid}`;
}
