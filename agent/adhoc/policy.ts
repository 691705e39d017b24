// The owner policy of an ad-hoc host, after HTCondor's START / SUSPEND / PREEMPT
// expressions: guests run only while the owner is idle, are suspended while the
// owner works, and are moved away when the owner stays busy past a grace period.
// Pure: no I/O, time from an injected clock, so every transition is unit-tested.
import { realClock, type Clock } from '../../common/clock.js';

export type OwnerPhase = 'idle' | 'busy' | 'evacuate';

export interface OwnerPolicyConfig {
  /** Owner CPU (percent of one core) above which the owner counts as active; 0 ignores CPU. */
  busyCpuPct: number;
  /** Input must have been idle this long for the owner to count as idle. */
  idleAfterMs: number;
  /** Busy continuously (not back to idle) this long: ask for the guests to be moved away. */
  evacuateAfterMs: number;
  /** Hysteresis: the owner must be idle this long before guests resume. */
  resumeAfterMs: number;
}

export interface OwnerSample {
  /** CPU used by non-guest processes, percent of one core. */
  cpuPct: number;
  /** Time since the last input; undefined when the host has no watched device (then only CPU counts). */
  idleMs: number | undefined;
}

export interface OwnerTransition {
  from: OwnerPhase;
  to: OwnerPhase;
  atMs: number;
  /** Why, for logs and events (no ids, no user data). */
  reason: string;
}

export class OwnerPolicy {
  private current: OwnerPhase = 'idle';
  /** When the current busy spell began (BUSY/EVACUATE only). */
  private busySince = 0;
  /** When the owner was first seen quiet after being active (BUSY/EVACUATE only). */
  private quietSince: number | undefined;

  constructor(
    private readonly cfg: OwnerPolicyConfig,
    private readonly clock: Clock = realClock,
  ) {}

  get state(): OwnerPhase {
    return this.current;
  }

  /** Why the owner counts as active in this sample, or undefined when they do not. */
  activity(s: OwnerSample): string | undefined {
    if (this.cfg.busyCpuPct > 0 && s.cpuPct > this.cfg.busyCpuPct)
      return `owner cpu ${s.cpuPct.toFixed(0)}% above ${this.cfg.busyCpuPct}%`;
    if (s.idleMs !== undefined && s.idleMs < this.cfg.idleAfterMs) return 'owner input within the idle period';
    return undefined;
  }

  /**
   * Feeds one sample; returns the transition it caused, if any (at most one per
   * sample, so every step is seen by the caller and emitted as an event).
   */
  observe(s: OwnerSample): OwnerTransition | undefined {
    const now = this.clock.now();
    const active = this.activity(s);
    if (this.current === 'idle') {
      if (!active) return undefined;
      this.busySince = now;
      this.quietSince = undefined;
      return this.move('busy', now, active);
    }
    if (active) this.quietSince = undefined;
    else this.quietSince ??= now;
    // Resume wins over evacuation: an owner who has gone quiet for the whole
    // resume period gets their guests back rather than moved away.
    if (this.quietSince !== undefined && now - this.quietSince >= this.cfg.resumeAfterMs) {
      this.quietSince = undefined;
      return this.move('idle', now, 'owner idle for the whole resume period');
    }
    // Measured from the start of the busy spell, as HTCondor measures a suspended
    // job's time: a short pause that is not long enough to resume does not reset it.
    if (this.current === 'busy' && now - this.busySince >= this.cfg.evacuateAfterMs) {
      return this.move('evacuate', now, 'owner busy longer than the evacuation grace');
    }
    return undefined;
  }

  private move(to: OwnerPhase, atMs: number, reason: string): OwnerTransition {
    const from = this.current;
    this.current = to;
    return { from, to, atMs, reason };
  }
}
