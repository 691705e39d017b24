// The usage rollup job: on a node-cron schedule (and once at start, so a
// controller that was down catches up: the dirty marks persist), it reads the
// dirty hours, decides what to recompute (planRollup, pure), recomputes each
// hour in its own atomic batch, then enforces retention. Runs never overlap.
import cron, { type ScheduledTask } from 'node-cron';
import { del, isConflict, retryOnConflict, type Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import { InvalidArgumentError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { dirtyKey, USAGE_DIRTY } from './model.js';
import { planRollup, recomputeHour } from './rollup.js';
import { pruneUsage, type UsageRetention } from './retention.js';

/** A node-cron expression, validated (INVALID_ARGUMENT naming `field`). */
export function cronArg(field: string, expr: string): string {
  if (!cron.validate(expr)) throw new InvalidArgumentError(field, 'is not a valid cron expression');
  return expr;
}

/** Dirty marks read per run (the rest wait for the next run; each run is bounded). */
const MARKS_PER_RUN = 500;
/** Attempts per hour and run: an hour whose records keep arriving is tried again on the next run. */
const CONFLICT_RETRIES = 3;
/** A run stops recomputing after this long; what is left stays dirty for the next run. */
const RUN_BUDGET_MS = 5_000;

export interface RunResult {
  recomputed: number;
  expired: number;
  /** Marks left for a later run (budget or page exhausted). */
  left: boolean;
  pruned: number;
}

export class UsageJobs {
  private task?: ScheduledTask;
  private running?: Promise<RunResult>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly retention: UsageRetention,
    /** node-cron expression of the runs (every minute by default; tests use seconds). */
    private readonly schedule = '* * * * *',
  ) {}

  start(): void {
    this.task = cron.schedule(this.schedule, () => void this.run(), { noOverlap: true, name: 'usage-rollup' });
    void this.run();
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    await this.running?.catch(() => undefined);
  }

  /** One run (joins the one going, if any). */
  run(): Promise<RunResult> {
    this.running ??= this.runOnce()
      .catch((err) => {
        this.log.error({ err }, 'usage rollup failed');
        return { recomputed: 0, expired: 0, left: true, pruned: 0 };
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async runOnce(): Promise<RunResult> {
    const until = performance.now() + RUN_BUDGET_MS;
    const hours: number[] = [];
    for await (const { key } of this.store.scan(USAGE_DIRTY, { limit: MARKS_PER_RUN })) hours.push(Number(key));
    const plan = planRollup(hours, this.clock.now(), this.retention.rawMs);
    if (plan.expired.length) await this.store.batch(plan.expired.map((h) => del(USAGE_DIRTY, dirtyKey(h))));
    let recomputed = 0;
    for (const hour of plan.recompute) {
      if (performance.now() >= until) break;
      try {
        // A record written while the hour was read bumps its mark: read it again.
        const { records } = await retryOnConflict(() => recomputeHour(this.store, hour), CONFLICT_RETRIES);
        this.log.debug({ hour_unix_ms: hour, records }, 'usage hour rolled up');
        recomputed++;
      } catch (e) {
        // An hour still being written to stays dirty for the next run; the others go on.
        if (!isConflict(e)) throw e;
        this.log.debug({ hour_unix_ms: hour }, 'usage hour busy: left for the next run');
      }
    }
    const { deleted, more } = await pruneUsage(this.store, this.retention, this.clock.now());
    if (deleted) this.log.info({ deleted, more }, 'usage retention pruned');
    return {
      recomputed,
      expired: plan.expired.length,
      left: hours.length >= MARKS_PER_RUN || recomputed < plan.recompute.length,
      pruned: deleted,
    };
  }
}
