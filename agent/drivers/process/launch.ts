import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DriverError, type VmSpec } from '../driver.js';
import { cleanEnv, taskEnv } from './files.js';
import { children, killTree } from './proc.js';
import { awaitReady, sandboxArgv, taskCommand, vmPaths } from './sandbox.js';
import { BusSockets } from './bus-socket.js';

// Starting a process VM: its command line (sandboxed, in namespaces, or bare)
// and the spawn, up to the workload's pid. Limits and records are the driver's.

export const APPLIANCE = fileURLToPath(new URL('./appliance.js', import.meta.url));

export interface SpawnOptions {
  id: string;
  spec: VmSpec;
  dir: string;
  /** The appliance's port (0 for a task). */
  port: number;
  /** The VM's uid when sandboxed. */
  uid: number;
  sandboxed: boolean;
  /** busybox httpd serves the page when the host has it. */
  busybox?: string;
  unshare: boolean;
  /** A management instance: a network namespace of its own, so nothing but the agent reaches it. */
  isolatedNet?: boolean;
}

/** The workload's pid, the namespace wrapper above it (0: none), and `go`, which lets a task run. */
export async function spawnVm(o: SpawnOptions): Promise<{ pid: number; wrapper: number; go: () => void }> {
  const { dir, uid, sandboxed } = o;
  const paths = vmPaths(dir);
  const task = o.spec.config.task;
  const out = openSync(join(dir, 'console.log'), 'a');
  const app = task
    ? taskCommand(task)
    : o.busybox
      ? [o.busybox, 'httpd', '-f', '-p', `127.0.0.1:${o.port}`, '-h', paths.www]
      : [process.execPath, APPLIANCE, '--vm', o.id, '--dir', dir, '--port', String(o.port)];
  // The appliance keeps the host's network for its port forward; a task gets none.
  // Either reaches the bus through its own socket's dir (bound read-only: connect works, nothing else).
  const bus = BusSockets.prepare(dir);
  const readOnly = task
    ? [paths.config, bus]
    : o.busybox
      ? [paths.www, o.busybox, bus]
      : [paths.config, process.execPath, APPLIANCE, bus];
  const argv = sandboxed
    ? sandboxArgv(
        {
          dir,
          uid,
          ownNetwork: !!task || !!o.isolatedNet,
          tmpMiB: o.spec.memoryMiB,
          readOnly,
          mode: task ? 'task' : 'exec',
        },
        app,
      )
    : o.unshare
      ? [
          'unshare',
          '--pid',
          '--fork',
          '--mount-proc',
          '--ipc',
          '--uts',
          ...(o.isolatedNet ? ['--net'] : []),
          '--',
          ...app,
        ]
      : app;
  const child = spawn(argv[0]!, argv.slice(1), {
    detached: true,
    stdio: [task ? 'pipe' : 'ignore', out, out, ...(sandboxed ? (['pipe'] as const) : [])],
    cwd: dir,
    // Never the agent's environment (join token, paths) for what runs as the VM.
    ...(task ? { env: taskEnv(o.spec, dir) } : sandboxed ? { env: cleanEnv() } : {}),
  });
  closeSync(out);
  child.unref();
  child.on('error', () => {});
  child.stdin?.on('error', () => {});
  // Without "go" the wrapper exits 125 without running the task.
  const abort = () => child.stdin?.destroy();
  let pid = child.pid ?? 0;
  if (!pid) throw new DriverError(`could not start the ${task ? 'task' : 'appliance'}`);
  if (sandboxed) {
    try {
      await awaitReady(child.stdio[3] as Readable);
    } catch (e) {
      abort();
      killTree(pid);
      throw new DriverError((e as Error).message);
    }
  }
  const wrapper = sandboxed || o.unshare ? pid : 0;
  if (wrapper) {
    // The workload (or, for a task, its wrapper) is unshare's child, init of the new PID namespace.
    for (let i = 0; i < 200 && children(wrapper).length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    pid = children(wrapper)[0] ?? 0;
    if (!pid) {
      abort();
      throw new DriverError(`${task ? 'task' : 'appliance'} did not start inside its namespaces`);
    }
  }
  return { pid, wrapper, go: () => void (task && child.stdin!.end('go\n')) };
}
