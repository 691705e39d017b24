// Anti-noise (pure): a VM is not re-recommended on every wobble of its usage.
// - hysteresis: growing is due once the p95 is above the bar, shrinking only
//   once the smaller target's projected p95 is DEAD_BAND points under it, so a
//   series oscillating around one boundary never flips between two sizes;
// - cool-down: no change back to a size the VM left within COOL_DOWN_MS;
// - pressure: an OOM kill (or CPU throttling) beyond what an earlier bump
//   answered raises memory (or vCPUs) one step, once: the answered counters move
//   up with the bump, and the bump is never above the biggest host.
import type { UsageProfile } from '../../../common/model/reclass.js';
import type { ReclassHistory, TargetModel } from '../../model/reclass.js';
import type { Simulated } from './simulate.js';

export const DEAD_BAND = 15;
export const COOL_DOWN_MS = 7 * 24 * 3_600_000;
/** Throttling below this (seconds in the window) is not pressure. */
export const THROTTLE_MIN_S = 1;

export type Change = ReclassHistory['changes'][number];

export const emptyHistory = (vmId: string): ReclassHistory => ({
  vmId,
  changes: [],
  oomKillsAnswered: 0,
  throttledSecondsAnswered: 0,
  lastBumpUnixMs: 0,
});

/** The next size above `cur` among `steps` (the catalog's), else double; never above `max`. `cur` when none is. */
export function stepUp(cur: number, steps: number[], max: number): number {
  const next = steps.filter((s) => s > cur).sort((a, b) => a - b)[0] ?? cur * 2;
  return Math.max(cur, Math.min(next, max));
}

export interface Pressure {
  /** The least the target must have (the VM's size when there is no new pressure... or 0). */
  minVcpus: number;
  minMemoryMib: number;
  oom: boolean;
  throttled: boolean;
  /** The history once this pressure counts as answered (written with the recommendation). */
  next: ReclassHistory;
}

/**
 * New pressure since the last bump: OOM kills or throttled seconds in the window
 * above what was answered. The window slides, so the answered figures follow the
 * window's down (a later kill counts again) and jump to it with a bump.
 */
export function pressure(
  vm: { vcpus: number; memoryMib: number },
  usage: Pick<UsageProfile, 'oomKills' | 'throttledSeconds'>,
  h: ReclassHistory,
  steps: { vcpus: number[]; memoryMib: number[] },
  biggest: { vcpus: number; memoryMib: number },
  now: number,
): Pressure {
  const memUp = stepUp(vm.memoryMib, steps.memoryMib, biggest.memoryMib);
  const cpuUp = stepUp(vm.vcpus, steps.vcpus, biggest.vcpus);
  const oom = usage.oomKills > h.oomKillsAnswered && memUp > vm.memoryMib;
  const throttled =
    usage.throttledSeconds >= THROTTLE_MIN_S && usage.throttledSeconds > h.throttledSecondsAnswered && cpuUp > vm.vcpus;
  const next: ReclassHistory = {
    ...h,
    oomKillsAnswered:
      usage.oomKills > h.oomKillsAnswered ? usage.oomKills : Math.min(h.oomKillsAnswered, usage.oomKills),
    throttledSecondsAnswered:
      usage.throttledSeconds > h.throttledSecondsAnswered
        ? usage.throttledSeconds
        : Math.min(h.throttledSecondsAnswered, usage.throttledSeconds),
    lastBumpUnixMs: oom || throttled ? now : h.lastBumpUnixMs,
  };
  return { minVcpus: throttled ? cpuUp : 0, minMemoryMib: oom ? memUp : 0, oom, throttled, next };
}

/** A change back to a size the VM left less than COOL_DOWN_MS ago. */
export function inCoolDown(t: Pick<TargetModel, 'vcpus' | 'memoryMib'>, changes: Change[], now: number): boolean {
  return changes.some(
    (c) => now - c.unixMs < COOL_DOWN_MS && c.fromVcpus === t.vcpus && c.fromMemoryMib === t.memoryMib,
  );
}

/**
 * Shrinking passes the dead band: every resource the target has less of (all
 * of them for a reassignment, where the VM's own size goes away) is projected
 * at most `bar - DEAD_BAND` %.
 */
export function clearsDeadBand(s: Simulated, vm: { vcpus: number; memoryMib: number }, bar: number): boolean {
  const low = bar - DEAD_BAND;
  const whole = s.kind === 'reassign';
  if ((whole || s.target.vcpus < vm.vcpus) && s.benefit.projectedCpuP95Pct > low) return false;
  return !((whole || s.target.memoryMib < vm.memoryMib) && s.benefit.projectedMemoryP95Pct > low);
}

/** Two targets are the same recommendation (hysteresis: an open one that still holds is left as it is). */
export const sameTarget = (a: TargetModel, b: TargetModel): boolean =>
  a.kind === b.kind &&
  a.vmId === b.vmId &&
  a.vmClass === b.vmClass &&
  a.vcpus === b.vcpus &&
  a.memoryMib === b.memoryMib &&
  a.peer === b.peer;
