import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import './child-env.js';

// Every process a test file causes dies with it, however the file ends
// (passing, failing, crashing, or ended by tap's timeout with SIGTERM): the
// children it spawned (controllers, agents, CLI runs), and every process that
// names one of its temp dirs: the VMs under an agent's data dir (appliances,
// sandboxes, QEMU), their namespace wrappers, fence watchers. An agent killed
// with SIGKILL leaves its VMs running by design, and an appliance that is the
// init of its PID namespace ignores SIGTERM: SIGKILL throughout (killing a
// namespace's init takes the whole namespace along).

const children = new Set<ChildProcess>();
const dirs = new Set<string>();

/** Live (not zombie) processes other than this one whose NUL-separated command line satisfies `match`. */
export function processesWhere(match: (cmdline: string) => boolean): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state !== 'Z' && state !== 'X' && match(cmd)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Processes naming `dir` or a path under it (wrappers included). */
export function processesUnder(dir: string): number[] {
  return processesWhere((cmd) => cmd.includes(`${dir}/`) || cmd.includes(`${dir}\0`));
}

/** SIGKILLs every process naming one of `dirs` or a path under it; returns their pids. For teardowns. */
export function reap(...under: string[]): number[] {
  return killAll(under.flatMap(processesUnder));
}

/** SIGKILLs `pids`; one that exited since it was listed is not an error. Returns them. */
export function killAll(pids: number[]): number[] {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

/** Kills `child` when this test file ends, if it is still running. */
export function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Reaps what runs under `dir` when this test file ends (tmpDir() does it for every temp dir). */
export function reapAtExit(dir: string): void {
  dirs.add(dir);
}

function reapAll(): void {
  for (const c of children) c.kill('SIGKILL');
  reap(...dirs);
}

process.on('exit', reapAll);
// tap ends a timed-out test file with SIGTERM: take everything along.
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, () => {
    reapAll();
    process.exit(1);
  });
}
