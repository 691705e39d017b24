// /proc readers shared by the drivers: process identity (pid + start time, so a reused
// pid is never mistaken for ours), liveness, CPU and memory.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: 100 on every Linux architecture we run on (x86-64, arm64). */
export const CLK_TCK = 100;

export interface ProcStat {
  state: string;
  /** Field 4: parent pid (as seen from our PID namespace). */
  ppid: number;
  /** Field 9: kernel flags (PF_*). */
  flags: number;
  utime: number;
  stime: number;
  /** Fields 16-17: time of the children this process waited for. */
  cutime: number;
  cstime: number;
  /** Field 22: start time in clock ticks after boot. */
  starttime: string;
}

export function readStat(pid: number): ProcStat | undefined {
  if (!(pid > 0)) return undefined;
  let s: string;
  try {
    s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm (field 2) may contain spaces and parentheses: split after the last ')'.
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  return {
    state: rest[0]!,
    ppid: Number(rest[1]),
    flags: Number(rest[6]),
    utime: Number(rest[11]),
    stime: Number(rest[12]),
    cutime: Number(rest[13]),
    cstime: Number(rest[14]),
    starttime: rest[19]!,
  };
}

/** PF_KTHREAD: a kernel thread (works for everyone, belongs to no user). */
export const PF_KTHREAD = 0x00200000;

/** Every pid in /proc right now (numeric entries only). */
export function listPids(): number[] {
  const out: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const n of names) {
    const c = n.charCodeAt(0);
    if (c >= 48 && c <= 57) out.push(Number(n));
  }
  return out;
}

export function startTimeOf(pid: number): string | undefined {
  return readStat(pid)?.starttime;
}

/** The process exists, is not a zombie, and is the one that started at `startTime`. */
export function isAlive(pid: number, startTime: string): boolean {
  const st = readStat(pid);
  return !!st && st.starttime === startTime && st.state !== 'Z' && st.state !== 'X';
}

export function cmdlineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
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

export function cpuSeconds(pid: number): number {
  const st = readStat(pid);
  return st ? (st.utime + st.stime) / CLK_TCK : 0;
}

/** Host CPU frequency in kHz from the first 'cpu MHz' line of /proc/cpuinfo, rounded. */
export function hostCpuKhz(cpuinfo?: string): number | undefined {
  try {
    const text = cpuinfo ?? readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^cpu MHz\s*:\s*([\d.]+)/m.exec(text);
    const khz = m ? Math.round(Number(m[1]) * 1000) : NaN;
    return Number.isFinite(khz) && khz > 0 ? khz : undefined;
  } catch {
    return undefined;
  }
}
