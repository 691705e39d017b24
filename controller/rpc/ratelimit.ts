import type { Clock } from '../../common/clock.js';

export interface RateLimit {
  perSec: number;
  burst: number;
}

/** Token buckets keyed by caller (token id, host id, peer address). */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
    private readonly maxKeys = 100_000,
  ) {}

  /** True when the caller has a token left, without taking it. */
  has(key: string): boolean {
    const b = this.buckets.get(key);
    if (!b) return true;
    return Math.min(this.limit.burst, b.tokens + ((this.clock.now() - b.at) / 1000) * this.limit.perSec) >= 1;
  }

  /** Takes one token; false when the caller is over its rate. */
  take(key: string): boolean {
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      b = { tokens: this.limit.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSec);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Drops full buckets (idle callers) so the map cannot grow without bound. */
  private evict(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.limit.perSec >= this.limit.burst) this.buckets.delete(k);
    }
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}
