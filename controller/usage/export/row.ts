import type { Sla } from '../../../common/model/enums.js';
import { costOf, rateFor, type Cost, type Rate, type RateCard, type UsageDims, type UsageMetrics } from '../model.js';

/**
 * What an export writes one line (or, for FOCUS, a few) for: a raw record or a
 * rollup row. Rollups lack the dimensions they were not grouped by ('').
 */
export type ExportRow = Partial<UsageDims> &
  UsageMetrics & { startUnixMs: number; endUnixMs: number; id?: string; source?: string };

/** Prices rows by the card, remembering the rate per class and SLA (cards are small; exports are not). */
export class Pricer {
  private readonly rates = new Map<string, Rate | undefined>();
  constructor(readonly card: RateCard | undefined) {}

  get currency(): string {
    return this.card?.currency ?? DEFAULT_CURRENCY;
  }
  get version(): number {
    return this.card?.version ?? 0;
  }

  rate(r: { vmClass?: string; sla?: Sla }): Rate | undefined {
    if (!this.card) return undefined;
    const key = `${r.vmClass ?? ''}|${r.sla ?? ''}`;
    if (this.rates.has(key)) return this.rates.get(key);
    const rate = rateFor(this.card, { vmClass: r.vmClass ?? '', sla: (r.sla ?? '') as Sla });
    this.rates.set(key, rate);
    return rate;
  }

  cost(r: ExportRow): Cost {
    return costOf(r, this.rate(r));
  }
}

/** Stated when no rate card was ever set (every cost is then 0). */
export const DEFAULT_CURRENCY = 'USD';

/** ISO 8601 UTC, remembering the last few (records of one interval share their start and end). */
export class IsoCache {
  private readonly m = new Map<number, string>();
  iso(ms: number): string {
    let s = this.m.get(ms);
    if (s === undefined) {
      if (this.m.size >= 64) this.m.clear();
      s = new Date(ms).toISOString();
      this.m.set(ms, s);
    }
    return s;
  }
}
