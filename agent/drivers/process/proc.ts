import { readFileSync } from 'node:fs';

// Small /proc readers shared by the process driver.

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), or '' if gone. */
export function startTime(pid: number): string {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/** One-letter process state (R, S, T, Z ...) or '' if gone. */
export function procState(pid: number): string {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
  } catch {
    return '';
  }
}

/** Alive and the same process (not a reused pid). */
export function isSame(pid: number, start: string): boolean {
  const st = procState(pid);
  return pid > 0 && st !== '' && st !== 'Z' && startTime(pid) === start;
}

export function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function cpuSecondsAndUptime(pid: number): { cpuSeconds: number; uptimeSeconds: number } {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    const up = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return { cpuSeconds: ticks / 100, uptimeSeconds: Math.max(0, up - Number(f[19]) / 100) };
  } catch {
    return { cpuSeconds: 0, uptimeSeconds: 0 };
  }
}

export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function ioBytes(pid: number): { read: number; write: number } {
  try {
    const s = readFileSync(`/proc/${pid}/io`, 'utf8');
    return { read: Number(/read_bytes: (\d+)/.exec(s)?.[1] ?? 0), write: Number(/write_bytes: (\d+)/.exec(s)?.[1] ?? 0) };
  } catch {
    return { read: 0, write: 0 };
  }
}
