import { readFileSync } from 'node:fs';
import { isAlive, readStat } from '../proc.js';
import type { VmHandle } from '../driver.js';

// /proc readers only the process driver needs; identity, CPU and memory come from ../proc.ts.

/** One-letter process state (R, S, T, Z ...) or '' if gone. */
export function procState(pid: number): string {
  return readStat(pid)?.state ?? '';
}

export function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function ioBytes(pid: number): { read: number; write: number } {
  try {
    const s = readFileSync(`/proc/${pid}/io`, 'utf8');
    return {
      read: Number(/read_bytes: (\d+)/.exec(s)?.[1] ?? 0),
      write: Number(/write_bytes: (\d+)/.exec(s)?.[1] ?? 0),
    };
  } catch {
    return { read: 0, write: 0 };
  }
}

/** `pid` and all its descendants, parents before children. */
export function treeOf(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length && out.length < 65_536) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...children(p));
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

/** Blocks the thread for `ms` (short waits inside a synchronous freeze). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const settled = (state: string) => state === 'T' || state === 't' || state === 'Z' || state === 'X' || state === '';

/**
 * SIGSTOPs a whole process tree, parents first, and returns once all of it is
 * stopped. SIGSTOP lands asynchronously: when kill() returns the process may
 * still be running until it is next scheduled (under load, milliseconds), and
 * a caller that reports "suspended" must not have parts of the tree still
 * running. (A fork in progress is aborted by the pending signal, so a child
 * appears in its parent's list before kill() returns.) So the tree is walked
 * again until one walk finds every process stopped or gone. Bounded: at most
 * 100 walks, 1 ms apart (a process in uninterruptible sleep stops only when it
 * leaves it). Returns the pids seen, parents before children.
 */
export function stopTree(pid: number): number[] {
  const seen = new Set<number>();
  for (let walk = 0; walk < 100; walk++) {
    let moving = false;
    const queue = [pid];
    while (queue.length && seen.size < 65_536) {
      const p = queue.shift()!;
      seen.add(p);
      if (!settled(procState(p))) {
        signal(p, 'SIGSTOP');
        moving = true;
      }
      queue.push(...children(p));
    }
    if (!moving) break;
    pause(1);
  }
  return [...seen];
}

/** SIGCONTs a process tree, children before their parents (the parent wakes to a running tree). */
export function contTree(pid: number): void {
  for (const p of treeOf(pid).reverse()) signal(p, 'SIGCONT');
}

/** Sends `sig` to every process in `pid`'s tree except `pid` itself. */
export function signalDescendants(pid: number, sig: NodeJS.Signals): void {
  for (const p of treeOf(pid).slice(1)) signal(p, sig);
}

/** SIGKILLs a whole tree (frozen first, so nothing escapes by forking). */
export function killTree(pid: number): void {
  for (const p of stopTree(pid)) signal(p, 'SIGKILL');
}

/** The live VMs' pids, each with the unshare wrapper above its namespace's init (it lives exactly as long). */
export function livePids(handles: VmHandle[]): number[] {
  const out: number[] = [];
  for (const h of handles) {
    if (!isAlive(h.pid, h.pidStartTime)) continue;
    out.push(h.pid);
    const w = Number(h.extra.wrapper ?? 0);
    if (w > 0) out.push(w);
  }
  return out;
}
