import { realClock, type Clock, type Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { estimateOf, refine, type Estimate, type RoundTrip } from './estimate.js';

/**
 * The controller's time on the agent: the local clock plus the estimated
 * offset. Usage intervals and reports are stamped with it, so an agent whose
 * clock is off still reports times the controller can place (and accepts).
 * Timers run on the local clock (they measure durations, not dates).
 */
export class ControllerClock implements Clock {
  private estimate?: Estimate;
  private moved?: (e: Estimate) => void;

  constructor(private readonly local: Clock = realClock) {}

  /** Local time now (for round trips: the sample's send and receive times). */
  localNow(): number {
    return this.local.now();
  }

  /** Takes a round trip's answer; true when the estimate changed. */
  observe(rt: RoundTrip): boolean {
    const next = estimateOf(rt);
    if (!next) return false;
    const prev = this.estimate;
    this.estimate = refine(prev, next);
    return this.estimate !== prev;
  }

  /** A round trip that carried the controller's time (0: an older controller that does not send it), logged when it moves. */
  learn(sentAt: number, serverTime: number | string | undefined, log: Logger): void {
    const serverMs = Number(serverTime ?? 0);
    if (!serverMs) return;
    const was = this.synced() ? this.offsetMs() : undefined;
    if (!this.observe({ sentMs: sentAt, serverMs, receivedMs: this.localNow() })) return;
    const offset = this.offsetMs();
    // Worth a line only when it moves by a second or more (heartbeats refine it by milliseconds).
    if (was !== undefined && Math.abs(offset - was) < 1000) return;
    this.moved?.(this.estimate!);
    log[Math.abs(offset) >= 60_000 ? 'warn' : 'info']({ offset_ms: offset }, "controller's clock learned");
  }

  /** An estimate kept from an earlier run (a restarted agent meters before it reaches the controller). */
  restore(e: Estimate): void {
    if ([e.offsetMs, e.errorMs, e.atMs].every(Number.isFinite)) this.estimate ??= e;
  }

  /** Called when the offset moves by a second or more (or is first learned): to keep it. */
  onMoved(fn: (e: Estimate) => void): void {
    this.moved = fn;
  }

  /** The controller's time was learned at least once (before that, local time stands in). */
  synced(): boolean {
    return this.estimate !== undefined;
  }

  offsetMs(): number {
    return this.estimate?.offsetMs ?? 0;
  }

  /** A local time as controller time. */
  fromLocal(localMs: number): number {
    return localMs + this.offsetMs();
  }

  now(): number {
    return this.fromLocal(this.local.now());
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.local.setTimeout(fn, ms);
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.local.setInterval(fn, ms);
  }
}
