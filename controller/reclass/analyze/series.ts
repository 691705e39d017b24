// A VM's hourly usage over a window, read from the hourly rollups (USAGE_HOUR)
// in ONE bounded scan of the window's key range, grouped per VM into columnar
// arrays (the percentile code works on typed arrays). One sample per hour the
// VM ran; an hour with no uptime is a gap, not a zero.
import { ResourceExhaustedError } from '../../../common/errors.js';
import type { Store } from '../../../common/store/index.js';
import { pad13 } from '../../usage/model.js';
import { USAGE_HOUR, type RollupRow } from '../../usage/rollup.js';
import type { UsageSeries } from '../ports.js';

/** Rollup rows one analysis reads at most (a 90-day window of ~900 VMs, or 7 days of ~12,000). */
export const MAX_SERIES_ROWS = 2_000_000;

const MIB = 2 ** 20;

/** Growable columns of one VM, turned into a UsageSeries at the end. */
class Columns {
  n = 0;
  hour: number[] = [];
  cpu: number[] = [];
  mem: number[] = [];
  disk: number[] = [];
  net: number[] = [];
  oomKills = 0;
  throttledSeconds = 0;
  /** Uptime behind the last sample (a second row of the same hour is mixed in by it). */
  private upLast = 0;

  add(r: RollupRow): void {
    this.oomKills += r.oomKills ?? 0;
    this.throttledSeconds += r.throttledSeconds ?? 0;
    const up = r.uptimeSeconds;
    if (!(up > 0)) return;
    // A VM that moved within the hour has a row per host: the hour is one sample, weighted by uptime.
    if (this.n && this.hour[this.n - 1] === r.startUnixMs) {
      const i = this.n - 1;
      const prevUp = this.upLast;
      const total = prevUp + up;
      const mix = (prev: number, cur: number) => (prev * prevUp + cur * up) / total;
      this.cpu[i] = mix(this.cpu[i]!, r.cpuSeconds / up);
      this.mem[i] = mix(this.mem[i]!, r.memoryByteSeconds / up / MIB);
      this.disk[i] = mix(this.disk[i]!, (r.diskReadBytes + r.diskWriteBytes) / 1e6 / up);
      this.net[i] = mix(this.net[i]!, ((r.netRxBytes + r.netTxBytes) * 8) / 1e6 / up);
      this.upLast = total;
      return;
    }
    this.hour.push(r.startUnixMs);
    this.cpu.push(r.cpuSeconds / up);
    this.mem.push(r.memoryByteSeconds / up / MIB);
    this.disk.push((r.diskReadBytes + r.diskWriteBytes) / 1e6 / up);
    this.net.push(((r.netRxBytes + r.netTxBytes) * 8) / 1e6 / up);
    this.upLast = up;
    this.n++;
  }

  series(vmId: string): UsageSeries {
    return {
      vmId,
      hourStartUnixMs: Float64Array.from(this.hour),
      cpuVcpus: Float64Array.from(this.cpu),
      memoryMib: Float64Array.from(this.mem),
      diskIoMbps: Float64Array.from(this.disk),
      netMbps: Float64Array.from(this.net),
      oomKills: this.oomKills,
      throttledSeconds: this.throttledSeconds,
    };
  }
}

/** An empty series (a VM without any rollup in the window). */
export const emptySeries = (vmId: string): UsageSeries => new Columns().series(vmId);

/**
 * The series of each VM in `vmIds` over [fromUnixMs, toUnixMs) (hour starts):
 * one scan of the window's rollups; rows of other VMs are skipped. More than
 * `maxRows` rows in the window → RESOURCE_EXHAUSTED naming window_hours.
 */
export async function readSeries(
  store: Store,
  vmIds: ReadonlySet<string>,
  fromUnixMs: number,
  toUnixMs: number,
  maxRows = MAX_SERIES_ROWS,
): Promise<Map<string, UsageSeries>> {
  const cols = new Map<string, Columns>();
  let read = 0;
  for await (const { value } of store.scan<RollupRow>(USAGE_HOUR, { gte: pad13(fromUnixMs), lt: pad13(toUnixMs) })) {
    if (++read > maxRows)
      throw new ResourceExhaustedError(
        `window_hours: the window holds more than ${maxRows} hourly rows; analyze a shorter window`,
      );
    if (!vmIds.has(value.vmId)) continue;
    let c = cols.get(value.vmId);
    if (!c) cols.set(value.vmId, (c = new Columns()));
    c.add(value);
  }
  const out = new Map<string, UsageSeries>();
  for (const id of vmIds) out.set(id, cols.get(id)?.series(id) ?? emptySeries(id));
  return out;
}
