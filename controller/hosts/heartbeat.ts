// Heartbeat interval scaled to the fleet, as Nomad scales heartbeat TTLs: the
// whole fleet together sends at most `maxBeatsPerSec`, and no host beats more
// often than `minMs` or less often than `maxMs`.
export interface HeartbeatPolicy {
  maxBeatsPerSec: number;
  minMs: number;
  maxMs: number;
  /** Missed intervals before a host turns unreachable. */
  missedBeats: number;
}

export const DEFAULT_HEARTBEAT: HeartbeatPolicy = { maxBeatsPerSec: 50, minMs: 5_000, maxMs: 60_000, missedBeats: 3 };

export function heartbeatInterval(hosts: number, p: HeartbeatPolicy): number {
  const ms = Math.ceil((Math.max(1, hosts) * 1000) / p.maxBeatsPerSec);
  return Math.min(p.maxMs, Math.max(p.minMs, ms));
}

/** Only tell agents about a new interval when it moved by more than 10%: no churn on every join. */
export function intervalChanged(current: number, next: number): boolean {
  return Math.abs(next - current) > current * 0.1;
}

/**
 * The window over which agents spread their reconnects after losing their
 * session, scaled to the fleet so that a controller restart brings it back at
 * no more than `sessionsPerSec` whatever its size: with full jitter the first
 * attempts arrive at n / window per second and later retries, drawn again from
 * the same window, at up to twice that, hence 2n / rate. At least half a
 * second (a small fleet comes back at once), at most ten minutes. A restarted
 * controller waits that long for its hosts (see restartGraceInterval).
 */
export function reconnectWindow(hosts: number, sessionsPerSec: number): number {
  return Math.max(500, Math.min(MAX_RECONNECT_WINDOW_MS, Math.ceil((2 * Math.max(1, hosts) * 1000) / sessionsPerSec)));
}

export const MAX_RECONNECT_WINDOW_MS = 600_000;

/**
 * The heartbeat interval a restarted controller assumes for each known host
 * until it reconnects: the fleet's, or longer, so that missed beats × interval
 * covers twice the reconnect window (the first attempts and the retries of
 * those that came while the controller was still starting). No host turns
 * unreachable only because it waited its turn.
 */
export function restartGraceInterval(hosts: number, p: HeartbeatPolicy, sessionsPerSec: number): number {
  return Math.max(heartbeatInterval(hosts, p), Math.ceil((2 * reconnectWindow(hosts, sessionsPerSec)) / p.missedBeats));
}

/**
 * The fleet's current heartbeat interval and reconnect window, recomputed as
 * sessions come and go (told to agents only when they moved by more than 10%).
 */
export class Cadence {
  interval: number;
  reconnectWindowMs: number;
  /** Hosts that were ready when this controller started: the fleet coming back, even before it has. */
  private readyAtStart = 0;

  constructor(
    private readonly policy: HeartbeatPolicy,
    private readonly reconnectsPerSec: number,
  ) {
    this.interval = heartbeatInterval(0, policy);
    this.reconnectWindowMs = reconnectWindow(0, reconnectsPerSec);
  }

  /**
   * After a restart: the first agents back must not learn a small fleet's
   * window (were the controller to restart again, they would all come at once).
   * Returns the interval to assume for each known host until it reconnects.
   */
  restarted(known: number, ready: number): number {
    this.readyAtStart = ready;
    this.reconnectWindowMs = reconnectWindow(ready, this.reconnectsPerSec);
    return restartGraceInterval(known, this.policy, this.reconnectsPerSec);
  }

  /** `n` sessions are open now. */
  recompute(n: number): void {
    const next = heartbeatInterval(n, this.policy);
    if (intervalChanged(this.interval, next)) this.interval = next;
    const window = reconnectWindow(Math.max(n, this.readyAtStart), this.reconnectsPerSec);
    if (intervalChanged(this.reconnectWindowMs, window)) this.reconnectWindowMs = window;
  }
}
