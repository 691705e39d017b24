// The agent's fence lease, as pure decisions plus a keeper that renews it on a
// clock. While the agent lives it keeps pushing the lease's expiry forward; a
// watcher process outside the agent (watcher.ts) stops the guests once the
// expiry passes, so a dead agent's VMs stop before the controller starts their
// copies elsewhere (down-after + replace-after after it lost the agent).
import type { Clock, Timer } from '../../common/clock.js';

/** The reason a VM stopped by the fence is reported with. */
export const FENCED_REASON = 'fenced: agent lease expired';

export const DEFAULT_FENCE_AFTER_MS = 60_000;
export const MIN_FENCE_AFTER_MS = 1_000;
export const MAX_FENCE_AFTER_MS = 3_600_000;

/**
 * The longest lease that is still safe against a re-placement window: half of it.
 * The guests are gone by lease + one check + the kill grace (at most 1.375 × the
 * lease, see timings()), so about a third of the window is left as margin.
 */
export function safeLeaseMs(replaceWindowMs: number): number {
  return Math.floor(replaceWindowMs / 2);
}

/** The lease in force: --fence-after, clamped below the controller's window when one is known. */
export function leaseFor(
  fenceAfterMs: number,
  replaceWindowMs: number | undefined,
): { leaseMs: number; clamped: boolean } {
  if (!(replaceWindowMs && replaceWindowMs > 0)) return { leaseMs: fenceAfterMs, clamped: false };
  const max = Math.max(1, safeLeaseMs(replaceWindowMs));
  return fenceAfterMs <= max ? { leaseMs: fenceAfterMs, clamped: false } : { leaseMs: max, clamped: true };
}

/**
 * The lease written on a deliberate shutdown (SIGTERM: a restart or an upgrade):
 * as long as is still safe, so a slow upgrade does not stop the guests, but never
 * past the point where the controller could start their copies.
 */
export function gracefulLeaseMs(leaseMs: number, replaceWindowMs: number | undefined): number {
  if (!(replaceWindowMs && replaceWindowMs > 0)) return leaseMs;
  return Math.max(leaseMs, safeLeaseMs(replaceWindowMs));
}

export interface LeaseTimings {
  /** How often the agent renews: four renewals per lease, so a late timer or two costs nothing. */
  renewEveryMs: number;
  /** How often the watcher reads the lease. */
  checkEveryMs: number;
  /** SIGTERM to SIGKILL when fencing. */
  graceMs: number;
}

export function timings(leaseMs: number): LeaseTimings {
  return {
    renewEveryMs: Math.max(50, Math.floor(leaseMs / 4)),
    checkEveryMs: clamp(Math.floor(leaseMs / 8), 100, 5_000),
    graceMs: clamp(Math.floor(leaseMs / 4), 100, 5_000),
  };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/**
 * The lease file's one line: expiry in centiseconds of /proc/uptime (the boot
 * clock: immune to wall-clock steps, and the shell reads it without a fork),
 * the check interval in seconds and the grace in tenths of a second.
 */
export function leaseLine(nowUptimeMs: number, leaseMs: number, t: LeaseTimings = timings(leaseMs)): string {
  const expiryCs = Math.ceil((nowUptimeMs + leaseMs) / 10);
  return `${expiryCs} ${(t.checkEveryMs / 1000).toFixed(2)} ${Math.max(1, Math.round(t.graceMs / 100))}\n`;
}

/** Parses a lease line back (tests, diagnostics). */
export function parseLeaseLine(s: string): { expiryMs: number; checkEveryMs: number; graceMs: number } | undefined {
  const m = /^(\d+) (\d+(?:\.\d+)?) (\d+)\s*$/.exec(s);
  if (!m) return undefined;
  return { expiryMs: Number(m[1]) * 10, checkEveryMs: Math.round(Number(m[2]) * 1000), graceMs: Number(m[3]) * 100 };
}

export interface LeaseKeeperOptions {
  fenceAfterMs: number;
  /** The controller's last known re-placement window (persisted from an earlier Welcome). */
  replaceWindowMs?: number;
  clock: Clock;
  /** Milliseconds of the boot clock (/proc/uptime). */
  uptimeMs: () => number;
  /** Writes the lease line (atomically). */
  write: (line: string) => void;
  /** Called on every renewal, after the write (the fence checks its watcher there). */
  onRenew?: () => void;
  /** --fence-after was clamped below a window. */
  onClamp?: (fenceAfterMs: number, leaseMs: number, replaceWindowMs: number) => void;
  /** A renewal came after the lease had already run out (the agent's event loop stalled): guests may have been fenced. */
  onLate?: (gapMs: number, leaseMs: number) => void;
}

/** Renews the lease every renewEveryMs while the agent runs; stops on shutdown. */
export class LeaseKeeper {
  private window?: number;
  private lease: number;
  private timer?: Timer;
  private stopped = false;
  private lastRenewal?: number;

  constructor(private readonly o: LeaseKeeperOptions) {
    this.window = o.replaceWindowMs;
    this.lease = this.decide();
  }

  leaseMs(): number {
    return this.lease;
  }

  replaceWindowMs(): number | undefined {
    return this.window;
  }

  /** Writes the first lease and starts renewing. */
  start(): void {
    this.renew();
    this.schedule();
  }

  /** The controller's window (from Welcome): re-decides the lease and renews at once if it changed. */
  setReplaceWindow(ms: number): void {
    if (!(ms > 0) || ms === this.window || this.stopped) return;
    this.window = ms;
    const before = this.lease;
    this.lease = this.decide();
    if (this.lease !== before) {
      this.renew();
      this.schedule();
    }
  }

  renew(): void {
    if (this.stopped) return;
    const now = this.o.uptimeMs();
    if (this.lastRenewal !== undefined && now - this.lastRenewal >= this.lease)
      this.o.onLate?.(now - this.lastRenewal, this.lease);
    this.lastRenewal = now;
    this.o.write(leaseLine(now, this.lease));
    this.o.onRenew?.();
  }

  /**
   * Stops renewing. graceful (SIGTERM): one last, longer lease so a restart or
   * upgrade keeps the guests; otherwise the current lease simply runs out.
   */
  stop(opts: { graceful: boolean }): void {
    if (this.stopped) return;
    this.timer?.cancel();
    if (opts.graceful) {
      const ms = gracefulLeaseMs(this.lease, this.window);
      // The watcher keeps checking at the short lease's pace.
      this.o.write(
        leaseLine(this.o.uptimeMs(), ms, { ...timings(ms), checkEveryMs: timings(this.lease).checkEveryMs }),
      );
    }
    this.stopped = true;
  }

  private decide(): number {
    const { leaseMs, clamped } = leaseFor(this.o.fenceAfterMs, this.window);
    if (clamped) this.o.onClamp?.(this.o.fenceAfterMs, leaseMs, this.window!);
    return leaseMs;
  }

  private schedule(): void {
    this.timer?.cancel();
    this.timer = this.o.clock.setInterval(() => this.renew(), timings(this.lease).renewEveryMs);
  }
}
