import type { Clock, Timer } from '../../common/clock.js';

/** `unknown`: known before a controller restart, its session not back yet (never stored). */
export type LiveState = 'ready' | 'unreachable' | 'down' | 'pending' | 'unknown';

export interface Transition {
  hostId: string;
  from: LiveState;
  to: LiveState;
  reason: string;
}

interface Entry {
  state: LiveState;
  lastSeen: number;
  since: number; // when the current state began
  intervalMs: number;
}

export interface LivenessOptions {
  missedBeats: number;
  /** Unreachable for this long → down. */
  downAfterMs: number;
  sweepMs: number;
}

/**
 * In-memory liveness. A heartbeat only moves a timestamp; a periodic sweep finds
 * hosts past their deadline. Only transitions leave this class (to be persisted).
 */
export class Liveness {
  private readonly hosts = new Map<string, Entry>();
  private timer?: Timer;

  constructor(
    private readonly clock: Clock,
    private readonly opts: LivenessOptions,
    private readonly onTransition: (t: Transition) => void,
  ) {}

  start(): void {
    this.timer = this.clock.setInterval(() => this.sweep(), this.opts.sweepMs);
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** Registers a known host (e.g. at controller start) without a transition. */
  track(hostId: string, state: LiveState, intervalMs: number, since = this.clock.now()): void {
    this.hosts.set(hostId, { state, lastSeen: since, since, intervalMs });
  }

  /**
   * A known host after a controller restart. One stored as ready is `unknown`
   * until its session is back or `intervalMs` × missed beats have passed since
   * now (its reconnect grace); it keeps the last-seen time it had.
   */
  restored(hostId: string, stored: LiveState, intervalMs: number, lastSeen: number): void {
    const now = this.clock.now();
    this.hosts.set(hostId, { state: stored === 'ready' ? 'unknown' : stored, lastSeen, since: now, intervalMs });
  }

  forget(hostId: string): void {
    this.hosts.delete(hostId);
  }

  state(hostId: string): LiveState | undefined {
    return this.hosts.get(hostId)?.state;
  }

  lastSeen(hostId: string): number | undefined {
    return this.hosts.get(hostId)?.lastSeen;
  }

  /** A session said hello: the host is ready. */
  connected(hostId: string, intervalMs: number, reason = 'session established'): void {
    const now = this.clock.now();
    const e = this.hosts.get(hostId);
    if (!e) {
      this.hosts.set(hostId, { state: 'ready', lastSeen: now, since: now, intervalMs });
      this.onTransition({ hostId, from: 'pending', to: 'ready', reason });
      return;
    }
    e.lastSeen = now;
    e.intervalMs = intervalMs;
    this.move(hostId, e, 'ready', reason, now);
  }

  /** Hot path: one map lookup and a store to a number. */
  beat(hostId: string): boolean {
    const e = this.hosts.get(hostId);
    if (!e) return false;
    e.lastSeen = this.clock.now();
    if (e.state !== 'ready') this.move(hostId, e, 'ready', 'heartbeat resumed', e.lastSeen);
    return true;
  }

  setInterval(hostId: string, intervalMs: number): void {
    const e = this.hosts.get(hostId);
    if (e) e.intervalMs = intervalMs;
  }

  disconnected(hostId: string, reason: string): void {
    const e = this.hosts.get(hostId);
    if (e && e.state === 'ready') this.move(hostId, e, 'unreachable', reason, this.clock.now());
  }

  sweep(): void {
    const now = this.clock.now();
    for (const [id, e] of this.hosts) {
      if (e.state === 'ready' && now - e.lastSeen > e.intervalMs * this.opts.missedBeats) {
        this.move(id, e, 'unreachable', `no heartbeat for ${this.opts.missedBeats} intervals`, now);
      } else if (e.state === 'unknown' && now - e.since > e.intervalMs * this.opts.missedBeats) {
        const grace = Math.round((e.intervalMs * this.opts.missedBeats) / 1000);
        this.move(id, e, 'unreachable', `not back within ${grace}s of the controller's restart`, now);
      } else if (e.state === 'unreachable' && now - e.since >= this.opts.downAfterMs) {
        this.move(id, e, 'down', `unreachable for ${Math.round(this.opts.downAfterMs / 1000)}s`, now);
      }
    }
  }

  counts(): Record<LiveState, number> {
    const c: Record<LiveState, number> = { ready: 0, unreachable: 0, down: 0, pending: 0, unknown: 0 };
    for (const e of this.hosts.values()) c[e.state]++;
    return c;
  }

  private move(hostId: string, e: Entry, to: LiveState, reason: string, now: number): void {
    if (e.state === to) return;
    const from = e.state;
    e.state = to;
    e.since = now;
    this.onTransition({ hostId, from, to, reason });
  }
}
