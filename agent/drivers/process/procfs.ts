// /proc readers for the process driver: identity (pid + start time, so a
// reused pid is never mistaken for an appliance), liveness, children, and the
// numbers behind stats().
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: 100 on every Linux architecture we run on (x86-64, arm64). */
export const CLK_TCK = 100;

export interface ProcStat {
  comm: string;
  /** R, S, D, T (stopped), t, Z (zombie), X ... */
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  /** Field 22: start time in clock ticks after boot. */
  starttime: string;
  /** Field 52: exit status as waitpid(2) reports it (meaningful for a zombie), if the kernel has it. */
  exitCode?: number;
}

export function parseStat(s: string): ProcStat | undefined {
  // comm (field 2) may contain spaces and parentheses: split after the last ')'.
  const open = s.indexOf('(');
  const close = s.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = s.slice(close + 2).trim().split(' ');
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  if (rest.length < 20) return undefined;
  const exit = rest.length >= 50 ? Number(rest[49]) : NaN;
  return {
    comm: s.slice(open + 1, close),
    state: rest[0]!,
    ppid: Number(rest[1]),
    utime: Number(rest[11]),
    stime: Number(rest[12]),
    starttime: rest[19]!,
    exitCode: Number.isFinite(exit) ? exit : undefined,
  };
}

export function readStat(pid: number): ProcStat | undefined {
  if (!(pid > 0)) return undefined;
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function startTimeOf(pid: number): string | undefined {
  return readStat(pid)?.starttime;
}

/** The process exists, is not a zombie, and is the one that started at `startTime`. */
export function isAlive(pid: number, startTime: string): boolean {
  const st = readStat(pid);
  return !!st && !!startTime && st.starttime === startTime && st.state !== 'Z' && st.state !== 'X';
}

export function cmdlineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

let childrenFile: boolean | undefined;

/** Direct children of `pid` (of its main thread, which is where our wrappers fork). */
export function childrenOf(pid: number): number[] {
  if (!(pid > 0)) return [];
  // Kernels without CONFIG_PROC_CHILDREN lack the file: scan /proc instead.
  childrenFile ??= existsSync(`/proc/${process.pid}/task/${process.pid}/children`);
  if (childrenFile) {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (/^\d+$/.test(d) && readStat(Number(d))?.ppid === pid) out.push(Number(d));
  }
  return out;
}

/** `pid` and all its descendants, parents first. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  while (todo.length && out.length < 1000) {
    const p = todo.shift()!;
    if (!readStat(p)) continue;
    out.push(p);
    todo.push(...childrenOf(p));
  }
  return out;
}

export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Storage I/O of the process (/proc/<pid>/io; needs the same user or root). */
export function ioBytes(pid: number): { read: number; write: number } {
  try {
    const s = readFileSync(`/proc/${pid}/io`, 'utf8');
    return { read: Number(/^read_bytes:\s*(\d+)/m.exec(s)?.[1] ?? 0), write: Number(/^write_bytes:\s*(\d+)/m.exec(s)?.[1] ?? 0) };
  } catch {
    return { read: 0, write: 0 };
  }
}

export function cpuSeconds(pid: number): number {
  const st = readStat(pid);
  return st ? (st.utime + st.stime) / CLK_TCK : 0;
}

/** Seconds since the process started (0 when it is gone). */
export function uptimeSeconds(pid: number): number {
  const st = readStat(pid);
  if (!st) return 0;
  try {
    const sysUp = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Math.max(0, sysUp - Number(st.starttime) / CLK_TCK);
  } catch {
    return 0;
  }
}
