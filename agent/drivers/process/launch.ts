// Starting one process VM: a listening socket for its host port, and the
// process chain
//
//   [unshare --pid --fork --mount-proc --ipc --uts --kill-child]   (when namespaces work)
//     [prlimit --data=N --]                                         (when only rlimits work)
//       /bin/sh -c INIT          the VM's init: joins the VM's cgroups, runs the
//         node appliance.js DIR  appliance, and records its exit status on disk
//
// The driver spawns the chain detached (own session), so it survives an agent
// restart. The appliance inherits the listening socket as fd 3: no window in
// which another process could take the port. Only the appliance's command line
// carries the VM directory (and so the VM id); sh gets everything through its
// environment.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SH } from './isolation.js';
import { childrenOf, cmdlineOf } from './procfs.js';

export const APPLIANCE = fileURLToPath(new URL('./appliance.js', import.meta.url));

/** The VM's init (sh): joins cgroups, runs the appliance, writes its exit status ($? : 128+signal when killed). */
export const INIT = [
  'for f in $NEPHELE_CGROUP_PROCS; do echo 0 > "$f" || echo "nephele-init: could not join cgroup $f" >&2; done',
  'x=$NEPHELE_EXIT_FILE n=$NEPHELE_NODE fl=$NEPHELE_NODE_FLAGS a=$NEPHELE_APPLIANCE d=$NEPHELE_VM_DIR',
  'unset NEPHELE_CGROUP_PROCS NEPHELE_EXIT_FILE NEPHELE_NODE NEPHELE_NODE_FLAGS NEPHELE_APPLIANCE NEPHELE_VM_DIR',
  '"$n" $fl "$a" "$d"',
  's=$?',
  'echo "$s" > "$x"',
  'exit "$s"',
].join('\n');

export interface Listener {
  server: Server;
  port: number;
  fd: number;
}

/** A listening TCP socket on 127.0.0.1: `preferred` if free, else a port the kernel picks. */
export async function listenSocket(preferred: number): Promise<Listener> {
  const ports = preferred > 0 ? [preferred, 0] : [0];
  let lastErr: unknown;
  for (const port of ports) {
    // Connections are the appliance's: anything this side accepts meanwhile is dropped.
    const server = createServer({ pauseOnConnect: true }, (s) => s.destroy());
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host: '127.0.0.1', backlog: 511 }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      lastErr = e;
      server.close();
      continue;
    }
    const fd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) {
      server.close();
      throw new Error('the listening socket has no file descriptor to hand over');
    }
    return { server, port: (server.address() as AddressInfo).port, fd };
  }
  throw lastErr instanceof Error ? lastErr : new Error(String(lastErr));
}

export interface SpawnOptions {
  id: string;
  vmDir: string;
  logPath: string;
  exitFile: string;
  listenFd: number;
  /** unshare … or []. */
  nsPrefix: string[];
  /** prlimit … -- or []. */
  limitPrefix: string[];
  cgroupProcs: string[];
  nodeFlags: string[];
  /** First line written to the console log for this boot. */
  banner: string;
}

/** Spawns the chain, detached, stdout/stderr appended to the console log. Throws only if spawn itself throws. */
export function spawnAppliance(o: SpawnOptions): ChildProcess {
  const argv = [...o.nsPrefix, ...o.limitPrefix, SH, '-c', INIT, 'nephele-init'];
  const out = openSync(o.logPath, 'a');
  try {
    writeSync(out, `${o.banner}\n`);
    return spawn(argv[0]!, argv.slice(1), {
      detached: true,
      cwd: o.vmDir,
      stdio: ['ignore', out, out, o.listenFd],
      // A clean environment: nothing of the agent's (NODE_OPTIONS, CA bundles
      // that cost Node ~100 ms of start-up each) leaks into the appliance.
      env: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        LANG: 'C.UTF-8',
        NEPHELE_VM_ID: o.id,
        NEPHELE_LISTEN_FD: '3',
        NEPHELE_CGROUP_PROCS: o.cgroupProcs.join(' '),
        NEPHELE_EXIT_FILE: o.exitFile,
        NEPHELE_NODE: process.execPath,
        NEPHELE_NODE_FLAGS: o.nodeFlags.join(' '),
        NEPHELE_APPLIANCE: APPLIANCE,
        NEPHELE_VM_DIR: o.vmDir,
      },
    });
  } finally {
    closeSync(out);
  }
}

/**
 * Finds the VM's init (sh) and the appliance under our child: the child is sh
 * itself, or unshare whose child is sh (`nested`). Resolves once sh has forked
 * the appliance; undefined when the child exited first or time ran out.
 */
export async function discover(childPid: number, nested: boolean, exited: () => boolean, timeoutMs = 15_000): Promise<{ initPid: number; appPid: number } | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(20, delay * 2)) {
    const initPid = nested ? childrenOf(childPid)[0] : childPid;
    const appPid = initPid ? childrenOf(initPid)[0] : undefined;
    if (initPid && appPid) return { initPid, appPid };
    if (exited() || Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** `pid` runs the appliance of the VM in `vmDir` (after exec; its start time is checked separately). */
export function isApplianceOf(pid: number, vmDir: string): boolean {
  const argv = cmdlineOf(pid);
  return argv.includes(vmDir) && argv.some((a) => a.endsWith('appliance.js'));
}

/** Node flags for an appliance in a VM of `memoryMiB`: a heap that fits. */
export function nodeFlags(memoryMiB: number): string[] {
  return [`--max-old-space-size=${Math.max(16, Math.floor(memoryMiB * 0.5))}`];
}
