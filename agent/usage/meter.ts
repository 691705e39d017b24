import type { Option } from 'commander';
import type { VmStats } from '../drivers/driver.js';
import { realClock, type Clock, type Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { put, type Store } from '../../common/store/index.js';
import { envOption, FlagError, parseDurationFlag } from '../flags.js';
import type { Outbox } from '../outbox.js';
import { carryUnread, intervalOf, type Baseline, type Interval } from './sample.js';

// The usage meter: every interval, one record per VM the runner holds, into
// the durable outbox with the baselines it was measured from (one write).

/** What the meter measures: the runner's VMs with a live process. */
export interface MeteredVm {
  id: string;
  pid: number;
  generation: number;
  stats: () => Promise<VmStats>;
}

export interface MeterDeps {
  store: Store;
  outbox: Outbox;
  vms: () => MeteredVm[];
  /** Sends what the outbox holds now (the session, if connected). */
  flush: () => Promise<void>;
  intervalMs: number;
  log: Logger;
  /** The controller's time (agent/timesync): intervals are stamped with it. */
  clock?: Clock;
  /** Whether the clock is the controller's yet: until then no sample is taken (counters are cumulative: the first one after covers the wait). */
  ready?: () => boolean;
  /** The appliance monitor's polls and probe seconds of a VM since the last record (taken: counted once). */
  monitorUsage?: (vmId: string) => { polls: number; probeSeconds: number } | undefined;
}

/** Records per UsageBatch at most (the controller refuses more). */
export const MAX_BATCH_RECORDS = 1_000;
const BASELINES = 'usage-baselines';
const MIN_INTERVAL_MS = 1_000;

export function usageIntervalOption(): Option {
  return envOption('--usage-interval <duration>', 'how often to meter each VM', 'NEPHELE_USAGE_INTERVAL', '60s');
}

export function parseUsageInterval(v: string): number {
  const ms = parseDurationFlag('--usage-interval', v);
  if (ms < MIN_INTERVAL_MS || ms > 3_600_000) throw new FlagError('--usage-interval', 'must be from 1s to 1h');
  return ms;
}

export class UsageMeter {
  private baselines = new Map<string, Baseline>();
  private timer?: Timer;
  private running?: Promise<void>;
  private readonly clock: Clock;

  constructor(private readonly d: MeterDeps) {
    this.clock = d.clock ?? realClock;
  }

  /** Loads the baselines the previous run left (its last records end where the next begin). */
  async start(): Promise<void> {
    const b = await this.d.store.get<Record<string, Baseline>>('state', BASELINES);
    this.baselines = new Map(Object.entries(b?.value ?? {}));
    this.timer = this.clock.setInterval(() => void this.tick(), this.d.intervalMs);
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** One sample of every VM (skipped while the previous one still runs). */
  tick(): Promise<void> {
    this.running ??= this.sample()
      .catch((err) => this.d.log.warn({ err }, 'usage sample failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async sample(): Promise<void> {
    if (this.d.ready && !this.d.ready()) {
      this.d.log.debug('usage sample deferred: controller time not known yet');
      return;
    }
    const next = new Map<string, Baseline>();
    const records: Interval[] = [];
    for (const vm of this.d.vms()) {
      let stats: VmStats;
      try {
        stats = await vm.stats();
      } catch (err) {
        this.d.log.debug({ vm_id: vm.id, err }, 'no usage sample');
        continue;
      }
      const prev = this.baselines.get(vm.id);
      const read = carryUnread(prev, vm.pid, stats);
      const cur: Baseline = { atUnixMs: this.clock.now(), pid: vm.pid, stats: { ...read, sources: undefined } };
      const rec = intervalOf(vm.id, prev, cur, vm.generation, stats.sources ?? {});
      if (rec.endUnixMs > rec.startUnixMs) {
        const m = this.d.monitorUsage?.(vm.id);
        if (m) Object.assign(rec, { monitorPolls: m.polls, monitorProbeSeconds: m.probeSeconds });
        next.set(vm.id, cur);
        records.push(rec);
      } else if (prev) {
        // Now is not after the baseline (the controller's clock, learned since, is behind the one it was taken on):
        // it stays, and the counters since go into the first interval that ends after it.
        next.set(vm.id, prev);
      } else next.set(vm.id, cur);
    }
    if (!next.size && !this.baselines.size) return;
    if (!records.length) await this.d.store.batch([put('state', BASELINES, Object.fromEntries(next))]);
    // Each part goes with the baselines of the VMs it measured: a crash between parts re-measures only the rest.
    const written = new Map(this.baselines);
    for (let i = 0; i < records.length; i += MAX_BATCH_RECORDS) {
      const part = records.slice(i, i + MAX_BATCH_RECORDS);
      for (const r of part) written.set(r.vmId, next.get(r.vmId)!);
      const state = i + MAX_BATCH_RECORDS >= records.length ? next : written;
      const { dropped } = await this.d.outbox.addUsage(
        part,
        [put('state', BASELINES, Object.fromEntries(state))],
        this.clock.now(),
      );
      if (dropped)
        this.d.log.warn(
          { dropped, dropped_total: this.d.outbox.usageDropped },
          'usage backlog over its bound: oldest batches dropped',
        );
    }
    this.baselines = next;
    this.d.log.debug({ vms: next.size, records: records.length, seq: this.d.outbox.lastSeq() }, 'usage sampled');
    await this.d.flush();
  }
}
