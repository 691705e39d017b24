import { readFileSync } from 'node:fs';

// Linux /proc sampling: CPU time and resident memory of one process.

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on every Linux we run on). */
export const CLK_TCK = 100;

/** utime + stime of a process, in clock ticks. */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return Number(rest[11]) + Number(rest[12]);
}

/** Resident set size (VmRSS) in bytes. */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export interface Usage {
  /** Wall time of the window, seconds. */
  seconds: number;
  /** CPU time used in the window, microseconds (tick resolution: 10 ms). */
  cpuUs: number;
  /** CPU time / wall time × 100 (100 = one core busy). */
  cpuPct: number;
  rssPeakBytes: number;
  rssMeanBytes: number;
  rssSamples: number;
}

/**
 * Watches one process over a window: CPU ticks at start and stop, RSS every
 * `everyMs` in between (and at both ends).
 */
export class ProcWindow {
  private readonly t0 = performance.now();
  private readonly ticks0: number;
  private readonly rss: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(readonly pid: number, everyMs = 1000) {
    this.ticks0 = cpuTicks(pid);
    this.sampleRss();
    this.timer = setInterval(() => this.sampleRss(), everyMs);
  }

  private sampleRss(): void {
    try {
      this.rss.push(rssBytes(this.pid));
    } catch {
      /* the process is gone: stop() will say so */
    }
  }

  stop(): Usage {
    clearInterval(this.timer);
    const ticks = cpuTicks(this.pid) - this.ticks0;
    const seconds = (performance.now() - this.t0) / 1000;
    this.sampleRss();
    const cpuUs = (ticks / CLK_TCK) * 1e6;
    return {
      seconds,
      cpuUs,
      cpuPct: (ticks / CLK_TCK / seconds) * 100,
      rssPeakBytes: Math.max(...this.rss),
      rssMeanBytes: this.rss.reduce((a, b) => a + b, 0) / this.rss.length,
      rssSamples: this.rss.length,
    };
  }
}

export const MB = 1024 * 1024;

/** Busy and total CPU ticks of the whole machine (all CPUs), from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0); // user … steal (guest time is already in user)
  const idle = f[3]! + f[4]!; // idle + iowait
  return { busy: total - idle, total };
}

/**
 * How busy the whole machine was over a window, and how much of that was not
 * the given processes: other work on a shared machine skews every figure.
 */
export class MachineWindow {
  private readonly t0 = machineTicks();
  private readonly own0: number[];
  constructor(private readonly pids: number[]) {
    this.own0 = pids.map((p) => cpuTicks(p));
  }
  stop(): { busyCores: number; otherCores: number } {
    const t = machineTicks();
    const own = this.pids.reduce((sum, p, i) => sum + cpuTicks(p) - this.own0[i]!, 0);
    const perCore = (t.total - this.t0.total) / cpus(); // ticks of one CPU over the window
    const busy = t.busy - this.t0.busy;
    return { busyCores: busy / perCore, otherCores: Math.max(0, busy - own) / perCore };
  }
}

function cpus(): number {
  return readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length || 1;
}

/** The process's CPU (% of a core) over `windowS` seconds, after `settleMs` (a start's own work is not measured). */
export async function measureCpuPct(pid: number, windowS: number, settleMs = 3000): Promise<Usage> {
  await new Promise((r) => setTimeout(r, settleMs));
  const w = new ProcWindow(pid, 1000);
  await new Promise((r) => setTimeout(r, windowS * 1000));
  return w.stop();
}
