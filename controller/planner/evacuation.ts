// What becomes of a VM whose ad-hoc host's owner wants the machine back when no
// other host can take it now. As HTCondor's PREEMPT, the owner's machine is
// vacated regardless: the VM leaves it (its copy there is stopped and removed,
// its capacity released) and either waits, unplaced, until capacity frees (the
// job goes back to the queue), or is retired where its set's SLA says waiting
// makes no sense. Pure: the planner decides with this, then acts.
import type { Sla } from './fleet.js';

export interface WaitFacts {
  sla: Sla;
  /** 0: the set has no batch window (or the VM has no set). */
  windowEndsUnixMs: number;
  /** Its set is being retired (or gone). */
  setRetiring: boolean;
}

export type Fate = { fate: 'wait'; reason: string } | { fate: 'retire'; reason: string };

export const NO_HOST = 'no host for evacuated VM';

/**
 * Decided when the VM is vacated and again whenever it is looked at while it
 * waits (its set's window may end meanwhile):
 * - its set is retiring → retire;
 * - best-effort work of a batch-window set whose window is over → retire (a
 *   batch window is how long the set was willing to wait for capacity);
 * - otherwise (guaranteed work, best-effort work without a window or still
 *   inside it, VMs without a set) → wait for capacity.
 */
export function fateWithoutRoom(f: WaitFacts, now: number): Fate {
  if (f.setRetiring) return { fate: 'retire', reason: 'its set is being retired' };
  if (f.sla === 'best_effort' && f.windowEndsUnixMs > 0 && now >= f.windowEndsUnixMs) {
    return { fate: 'retire', reason: `${NO_HOST}, and its best-effort set's batch window is over` };
  }
  return { fate: 'wait', reason: NO_HOST };
}
