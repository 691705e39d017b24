// Owner CPU: what the host's own users run, i.e. every process except the
// agent's guests (and the agent itself). Load average or /proc/stat would count
// the guests too, and then a busy guest would suspend itself.
import { CLK_TCK, listPids, PF_KTHREAD, readStat } from '../drivers/proc.js';

export interface CpuProbeOptions {
  /**
   * Root pids whose whole process trees are not the owner's: guest VM processes
   * (their children, inside namespaces, included) and the agent's own pid.
   */
  exclude: () => Iterable<number>;
  /** Monotonic milliseconds (tests may inject). */
  now?: () => number;
}

export interface CpuSample {
  /** Owner CPU since the previous sample, percent of one core (0 on the first sample). */
  cpuPct: number;
  /** The owner process that used the most CPU in the interval (for the busy event), if any. */
  top?: { pid: number; pct: number };
}

interface Seen {
  starttime: string;
  ticks: number;
}

/**
 * Samples utime+stime of every process from /proc/<pid>/stat, one small read
 * per process: a few milliseconds for hundreds of processes, every few seconds,
 * and only on ad-hoc hosts.
 *
 * A process born since the previous sample counts with its whole CPU time (all
 * of it falls in the interval); one that lived and died between two samples is
 * missed, which only matters for floods of very short processes.
 */
export class OwnerCpuProbe {
  private prev = new Map<number, Seen>();
  private prevAt: number | undefined;
  /** Per-pid ticks counted in the last interval (kept for tests and diagnostics). */
  counted = new Map<number, number>();

  constructor(private readonly o: CpuProbeOptions) {}

  sample(): CpuSample {
    const now = (this.o.now ?? monotonicMs)();
    const stats = new Map<number, { ppid: number; starttime: string; ticks: number }>();
    for (const pid of listPids()) {
      const st = readStat(pid);
      // Kernel threads work for everyone (guests included): not the owner's.
      if (!st || st.flags & PF_KTHREAD) continue;
      stats.set(pid, { ppid: st.ppid, starttime: st.starttime, ticks: st.utime + st.stime });
    }
    const excluded = excludedPids(stats, new Set(this.o.exclude()));
    const first = this.prevAt === undefined;
    const next = new Map<number, Seen>();
    const counted = new Map<number, number>();
    let ticks = 0;
    for (const [pid, s] of stats) {
      if (excluded.has(pid)) continue;
      next.set(pid, { starttime: s.starttime, ticks: s.ticks });
      if (first) continue;
      const p = this.prev.get(pid);
      const d = p && p.starttime === s.starttime ? s.ticks - p.ticks : s.ticks;
      if (d > 0) {
        counted.set(pid, d);
        ticks += d;
      }
    }
    const dtMs = first ? 0 : now - this.prevAt!;
    this.prev = next;
    this.prevAt = now;
    this.counted = counted;
    if (!(dtMs > 0)) return { cpuPct: 0 };
    const pct = (t: number) => (t / CLK_TCK / (dtMs / 1000)) * 100;
    let top: CpuSample['top'];
    for (const [pid, t] of counted) if (!top || t > top.pct) top = { pid, pct: t };
    return { cpuPct: pct(ticks), ...(top ? { top: { pid: top.pid, pct: pct(top.pct) } } : {}) };
  }
}

/** Every pid that is one of `roots` or descends from one (by the ppid chain). */
export function excludedPids(stats: Map<number, { ppid: number }>, roots: Set<number>): Set<number> {
  const out = new Set<number>();
  const memo = new Map<number, boolean>();
  for (const pid of stats.keys()) {
    const chain: number[] = [];
    let cur: number | undefined = pid;
    let hit = false;
    // Walk up until a known answer, a root, or the top (ppid 0 or an unknown parent).
    while (cur !== undefined && cur > 0) {
      const known = memo.get(cur);
      if (known !== undefined) {
        hit = known;
        break;
      }
      if (roots.has(cur)) {
        hit = true;
        chain.push(cur);
        break;
      }
      chain.push(cur);
      if (chain.length > 4096) break; // a cycle cannot happen in /proc, but never loop forever
      cur = stats.get(cur)?.ppid;
    }
    for (const c of chain) memo.set(c, hit);
    if (hit) out.add(pid);
  }
  return out;
}

function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}
