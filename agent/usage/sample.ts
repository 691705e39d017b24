import type { VmUsage__Output } from '../../common/gen/nephele/v1/VmUsage.js';
import type { VmStats } from '../drivers/driver.js';

// Cumulative counters → one interval's usage, as pure functions (the meter
// only reads drivers and writes the outbox). Counters restart from zero when a
// VM's process does (a restart, a reboot): a delta is never negative.

/** What the meter keeps per VM between samples (persisted with the records, so a restarted agent goes on from it). */
export interface Baseline {
  atUnixMs: number;
  /** The VM's process identity: another one means every counter started over. */
  pid: number;
  stats: VmStats;
}

/** One VM's usage over [startUnixMs, endUnixMs): the wire's VmUsage, as it goes into the outbox. */
export type Interval = VmUsage__Output;

/** Growth of a counter since `prev`; a counter that went down started over, so all of it is new. */
export function counterDelta(prev: number, cur: number, reset: boolean): number {
  const c = Number.isFinite(cur) && cur > 0 ? cur : 0;
  if (reset || !(prev >= 0) || c < prev) return c;
  return c - prev;
}

/** Average of the RSS samples at both ends (trapezoid) times the seconds the VM ran. */
export function trapezoid(prevBytes: number, curBytes: number, seconds: number): number {
  return ((Math.max(0, prevBytes) + Math.max(0, curBytes)) / 2) * Math.max(0, seconds);
}

/**
 * The usage between a baseline and a new sample. Without a baseline (a VM seen
 * for the first time) its counters count from its start, up to `uptime` ago.
 */
export function intervalOf(
  vmId: string,
  prev: Baseline | undefined,
  cur: Baseline,
  generation: number,
  sources: Record<string, string>,
): Interval {
  const s = cur.stats;
  const reset = !prev || prev.pid !== cur.pid || s.uptimeSeconds < prev.stats.uptimeSeconds;
  const p = prev?.stats;
  const start = prev ? prev.atUnixMs : cur.atUnixMs - Math.round(Math.max(0, s.uptimeSeconds) * 1000);
  const span = Math.max(0, (cur.atUnixMs - start) / 1000);
  const up = Math.min(
    span,
    reset ? Math.max(0, s.uptimeSeconds) : counterDelta(p!.uptimeSeconds, s.uptimeSeconds, false),
  );
  const int = (prevV: number | undefined, curV: number) => Math.round(counterDelta(prevV ?? 0, curV, reset));
  return {
    vmId,
    startUnixMs: start,
    endUnixMs: cur.atUnixMs,
    cpuSeconds: counterDelta(p?.cpuSeconds ?? 0, s.cpuSeconds, reset),
    // After a restart the old RSS belongs to the old process: the new one's stands for both ends.
    memoryByteSeconds: trapezoid(reset ? s.memoryBytes : p!.memoryBytes, s.memoryBytes, up),
    diskReadBytes: int(p?.diskReadBytes, s.diskReadBytes),
    diskWriteBytes: int(p?.diskWriteBytes, s.diskWriteBytes),
    netRxBytes: int(p?.netRxBytes, s.netRxBytes),
    netTxBytes: int(p?.netTxBytes, s.netTxBytes),
    uptimeSeconds: up,
    generation,
    sources,
    // Filled in by the monitor's meter (agent/monitor) where the VM is monitored.
    monitorPolls: 0,
    monitorProbeSeconds: 0,
    // Resource pressure (reclassification): filled from the driver's stats where the scheme has a source.
    oomKills: int(p?.oomKills, s.oomKills ?? 0),
    throttledSeconds: counterDelta(p?.throttledSeconds ?? 0, s.throttledSeconds ?? 0, reset),
  };
}

/**
 * A counter whose source could not be read this time (a paused guest cannot
 * answer, QMP timed out) reads 0: keep the last value instead, so the next
 * reading is not taken for a reset and counted again from zero.
 */
export function carryUnread(prev: Baseline | undefined, pid: number, s: VmStats): VmStats {
  if (!prev || prev.pid !== pid) return s;
  const out = { ...s };
  if (s.sources?.net === 'none') [out.netRxBytes, out.netTxBytes] = [prev.stats.netRxBytes, prev.stats.netTxBytes];
  if (s.sources?.disk === 'none')
    [out.diskReadBytes, out.diskWriteBytes] = [prev.stats.diskReadBytes, prev.stats.diskWriteBytes];
  out.oomKills ??= prev.stats.oomKills;
  out.throttledSeconds ??= prev.stats.throttledSeconds;
  return out;
}
