// The usage capability's long-lived objects, built and started in one place
// (server.ts calls startUsage; each part of the capability adds its own here).
import type { Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { EventLog } from '../events/log.js';
import { UsageJobs } from './jobs.js';
import type { UsageFilter } from './model.js';
import { rollupPages, type QueryRow } from './query.js';
import { RateCards } from './rates.js';
import { DEFAULT_USAGE_RETENTION, type UsageRetention } from './retention.js';

export interface UsageConfig {
  retention: UsageRetention;
  /** node-cron expression of the rollup runs (default every minute). */
  rollupCron?: string;
}

export interface Usage {
  store: Store;
  rates: RateCards;
  jobs: UsageJobs;
  retention: UsageRetention;
  /** Per-VM hour/day rows, page by page (the export's ExportSources.rows). */
  rows(filter: UsageFilter, granularity: 'hour' | 'day'): AsyncGenerator<QueryRow[]>;
  stop(): Promise<void>;
}

export function startUsage(
  d: { store: Store; events: EventLog; clock: Clock; log: Logger },
  cfg: Partial<UsageConfig> = {},
): Usage {
  const retention = cfg.retention ?? DEFAULT_USAGE_RETENTION;
  const jobs = new UsageJobs(d.store, d.clock, d.log.child({ component: 'usage' }), retention, cfg.rollupCron);
  jobs.start();
  return {
    store: d.store,
    rates: new RateCards(d.store, d.events, d.clock),
    jobs,
    retention,
    rows: (filter, granularity) => rollupPages(d.store, filter, granularity),
    stop: () => jobs.stop(),
  };
}
