import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import { isNepheleError } from '../../../common/errors.js';
import { DEFAULT_POST, postWithRetries, writeToDirectory, type PostOptions, type PushToPeer } from '../destinations.js';
import type { ExportScheduleRecord, ExportSchedules } from '../schedules.js';
import { openExport, type ExportSources } from './pipeline.js';

export interface RunnerOptions {
  /** Where directory destinations live (--usage-export-dir). */
  exportDir: string;
  /** How long after an interval starts its records are taken as in (late batches): runs stop this far before now. */
  settleMs: number;
  /** One run's export held in memory before it is written or posted. */
  maxRunBytes: number;
  post: PostOptions;
}

export const DEFAULT_RUNNER: Omit<RunnerOptions, 'exportDir'> = {
  settleMs: 120_000,
  maxRunBytes: 128 * 2 ** 20,
  post: DEFAULT_POST,
};

const EXT = { csv: 'csv', jsonl: 'jsonl', focus: 'focus.csv' } as const;
const TYPE = { csv: 'text/csv', jsonl: 'application/x-ndjson', focus: 'text/csv' } as const;
const stamp = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/** Window of a run: what started since the last run's end (first run: the lookback), up to now minus the settle time. */
export function runWindow(s: ExportScheduleRecord, now: number, settleMs: number): { from: number; to: number } {
  const settled = now - settleMs;
  // The filter's time range, when given, bounds every run: a schedule can carry one date range's history.
  const { fromUnixMs: lo, toUnixMs: hi } = s.filter;
  const to = hi ? Math.min(settled, hi) : settled;
  const from = Math.max(s.exportedUntilUnixMs || (lo ? lo : settled - s.lookbackS * 1000), lo);
  return { from, to };
}

/** A run was missed while the controller was down: the last one (or the creation) is older than one period. */
export function missedRun(s: ExportScheduleRecord, task: Pick<ScheduledTask, 'getNextRuns'>, now: number): boolean {
  const [a, b] = task.getNextRuns(2);
  if (!a || !b) return false;
  return now - (s.lastRunUnixMs || s.createdUnixMs) > b.getTime() - a.getTime();
}

/**
 * Runs every schedule on its cron (node-cron), one run at a time per
 * schedule. Schedules are reloaded at start, and one missed while the
 * controller was down runs once at once.
 */
export class ScheduleRunner {
  private readonly tasks = new Map<string, ScheduledTask>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly schedules: ExportSchedules,
    private readonly sources: ExportSources,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly o: RunnerOptions,
    private readonly pushToPeer?: PushToPeer,
  ) {}

  async start(): Promise<void> {
    for (const s of await this.schedules.all()) this.add(s, true);
  }

  add(s: ExportScheduleRecord, catchUp = false): void {
    if (this.stopped) return;
    this.remove(s.id);
    const task = cron.schedule(s.cron, () => this.run(s.id), { name: `usage-export-${s.id}`, noOverlap: true });
    this.tasks.set(s.id, task);
    if (catchUp && missedRun(s, task, this.clock.now())) void this.run(s.id);
  }

  remove(id: string): void {
    void this.tasks.get(id)?.destroy();
    this.tasks.delete(id);
  }

  /** Stops scheduling; waits a little for runs under way (a POST being retried is not waited for long). */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    for (const id of [...this.tasks.keys()]) this.remove(id);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(this.running.values()),
      new Promise((r) => (timer = setTimeout(r, graceMs))),
    ]);
    clearTimeout(timer);
  }

  /** Runs a schedule now unless it is running already; resolves when that run is over. */
  run(id: string): Promise<void> {
    const busy = this.running.get(id);
    if (busy || this.stopped) return busy ?? Promise.resolve();
    const p = this.runOnce(id).finally(() => this.running.delete(id));
    this.running.set(id, p);
    return p;
  }

  private async runOnce(id: string): Promise<void> {
    const s = await this.schedules.get(id, undefined).catch(() => undefined);
    if (!s) return this.remove(id);
    const now = this.clock.now();
    const { from, to } = runWindow(s, now, this.o.settleMs);
    if (to <= from) return;
    const log = this.log.child({ schedule_id: id, destination: s.destination.kind });
    let records = 0;
    let status = 'ok';
    try {
      records = await this.deliver(s, from, to);
      log.info({ records, from_unix_ms: from, to_unix_ms: to }, 'scheduled export ran');
    } catch (e) {
      status = (isNepheleError(e) ? e.message : (e as Error).message || String(e)).slice(0, 500);
      log.warn({ err: e }, 'scheduled export failed');
    }
    await this.schedules
      .recordRun(id, {
        lastRunUnixMs: now,
        lastStatus: status,
        lastRecords: records,
        exportedUntilUnixMs: status === 'ok' ? to : s.exportedUntilUnixMs,
      })
      .catch((e: unknown) => log.error({ err: e }, 'export schedule run not recorded'));
  }

  /** Exports [from, to) to the schedule's destination; returns the records sent. */
  private async deliver(s: ExportScheduleRecord, from: number, to: number): Promise<number> {
    const filter = { ...s.filter, fromUnixMs: from, toUnixMs: to };
    const d = s.destination;
    if (d.kind === 'peer') {
      if (!this.pushToPeer) throw new Error('peer destinations are not available on this controller yet');
      return (await this.pushToPeer(d.target, filter)).records;
    }
    const { chunks, card } = await openExport(this.sources, {
      filter,
      format: s.format,
      focusVersion: s.focusVersion,
      granularity: s.granularity,
      rateCardVersion: 0,
    });
    const parts: Buffer[] = [];
    let size = 0;
    let records = 0;
    for await (const c of chunks) {
      size += c.data.length;
      records += c.records;
      if (size > this.o.maxRunBytes)
        throw new Error(`one run would export more than ${this.o.maxRunBytes} bytes: run the schedule more often`);
      parts.push(c.data);
    }
    if (!records) return 0; // nothing new: no empty file, no empty POST
    const data = Buffer.concat(parts);
    const file = `${s.name}-${stamp(from)}-${stamp(to)}.${EXT[s.format]}`;
    if (d.kind === 'directory') await writeToDirectory(this.o.exportDir, d.target, file, data);
    else
      await postWithRetries(
        d.target,
        data,
        TYPE[s.format],
        {
          'x-nephele-schedule': s.id,
          'x-nephele-file': file,
          'x-nephele-records': String(records),
          'x-nephele-rate-card-version': String(card?.version ?? 0),
        },
        this.o.post,
      );
    return records;
  }
}
