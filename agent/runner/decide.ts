// What the runner does to one VM, decided from plain data (the kubelet's
// computePodActions): the controller's desired VM, what the agent keeps of the
// VM, and the owner gate. No I/O here; act.ts performs the actions.
import type { DesiredVm } from '../../common/grpc/convert.js';
import type { VmHandle } from '../drivers/driver.js';

export type Phase = 'creating' | 'running' | 'suspended' | 'stopped' | 'failed';

/** What the agent keeps per VM, on disk, to converge and to re-attach after a restart. */
export interface LocalVm {
  id: string;
  scheme: string;
  handle?: VmHandle;
  phase: Phase;
  reason: string;
  guestReady: boolean;
  /** Desired generation / reboot count already acted on. */
  generation: number;
  rebootCount: number;
  /** Suspended by the owner gate (not by the controller): resumed when the owner is idle again. */
  ownerSuspended?: boolean;
  /** A task VM whose task exited 0: not restarted unless a higher generation asks. */
  taskDone?: boolean;
  /** Transfer id this VM's disk was uploaded under (cold move, source side). */
  exported?: string;
  /** Its port forwards (and peers) are removed: a management instance (DesiredVm.hidden). */
  hidden?: boolean;
}

/** The reason a VM removed from this host's desired state is reported with. */
export const STALE_REASON = 'stale copy removed: the vm was placed on another host';
export const OWNER_ACTIVE = 'owner active';
export const POWERED_OFF = 'powered off as requested';
export const OWNER_IDLE = 'owner idle';
export const SUSPENDED_AS_REQUESTED = 'suspended as requested';
/** The reason a resized VM is reported with (the controller waits for it: reclassification). */
export const resizedReason = (vcpus: number, memoryMib: number) => `resized to ${vcpus} vcpus, ${memoryMib} MiB`;

export type Action =
  /** Create the VM (a cold move's disk included) and wait for its guest. */
  | { kind: 'create' }
  /** The owner is busy: report the create as waiting (once per generation). */
  | { kind: 'holdCreate' }
  /** Start a stopped or failed VM again at the desired generation and wait for its guest. */
  | { kind: 'restart' }
  /** Resume a suspended VM; clears the owner's hold. */
  | { kind: 'resume'; reason: string }
  /** Suspend a running VM; `owner`: the owner gate holds it (resumed when the owner is idle). */
  | { kind: 'suspend'; reason: string; owner?: true }
  /** Already suspended: only who holds it changes (owner or controller), reported with `reason`. */
  | { kind: 'hold'; owner: boolean; reason: string }
  /** Reboot a running VM and wait for its guest. */
  | { kind: 'reboot' }
  /** `hard`: power off at once (DesiredVm.hard_stop), no graceful shutdown first. */
  | { kind: 'stop'; reason: string; hard?: true }
  /** Cold move, source side: upload the stopped VM's disk under the transfer id. */
  | { kind: 'exportDisk'; transferId: string; flat: boolean }
  /** Not in the desired state any more: stop, destroy and forget this copy. */
  | { kind: 'removeStale' }
  /** Destroy (if present) and report DESTROYED. */
  | { kind: 'destroy' }
  /** Remove (true) or restore (false) the VM's port forwards: it becomes / stops being a management instance. */
  | { kind: 'setHidden'; hidden: boolean }
  /** The desired vcpus/memory differ from what runs: live where the driver can, else a restart at the new size. */
  | { kind: 'resize' };

export interface DecideInput {
  desired?: DesiredVm;
  local?: LocalVm;
  /** The controller has sent a desired state since this agent started. */
  haveDesired: boolean;
  /** Owner gate (ad-hoc hosts): busy or evacuating. */
  ownerBusy: boolean;
  /** Generation whose create was already reported as waiting for the owner. */
  waitingReported?: number;
  /** DESTROYED was already reported for this VM (it is not here). */
  destroyedReported: boolean;
}

const isUp = (p: Phase) => p === 'running' || p === 'suspended' || p === 'creating';

/** The actions that move one VM towards its desired state, in order. Level-triggered: [] when converged. */
export function decide(i: DecideInput): Action[] {
  const { desired: d, local: l } = i;
  if (!d) {
    if (!l) return [];
    // Before the controller has spoken, absence means nothing: only the owner gate acts.
    if (!i.haveDesired) return gateOnly(l, i.ownerBusy);
    // Not ours any more (re-placed while this host was away, or evacuated): this
    // copy must not run beside the new one, nor hold its disk and resources.
    return [{ kind: 'removeStale' }];
  }
  if (d.desired === 'destroyed') return l || !i.destroyedReported ? [{ kind: 'destroy' }] : [];
  if (!l) {
    if (!i.ownerBusy) return [{ kind: 'create' }];
    return i.waitingReported === d.generation ? [] : [{ kind: 'holdCreate' }];
  }
  switch (d.desired) {
    case 'running':
      return [...hide(d, l), ...running(d, l, i.ownerBusy)];
    case 'stopped': {
      const out: Action[] = [];
      let phase = l.phase;
      if (isUp(phase)) {
        if (d.hardStop && !d.exportDisk) out.push({ kind: 'stop', reason: POWERED_OFF, hard: true });
        else out.push({ kind: 'stop', reason: d.exportDisk ? 'stopped for a move' : 'stopped as requested' });
        phase = 'stopped';
      }
      if (d.exportDisk && l.exported !== d.exportDisk && (phase === 'stopped' || phase === 'failed'))
        out.push({ kind: 'exportDisk', transferId: d.exportDisk, flat: !!d.exportFlat });
      return out;
    }
    case 'suspended':
      if (l.phase === 'running') return [...hide(d, l), { kind: 'suspend', reason: SUSPENDED_AS_REQUESTED }];
      // The controller wants it suspended too: it stays so when the owner leaves.
      if (l.phase === 'suspended' && l.ownerSuspended)
        return [...hide(d, l), { kind: 'hold', owner: false, reason: SUSPENDED_AS_REQUESTED }];
      return hide(d, l);
    default:
      return [];
  }
}

/**
 * Hidden is level-triggered like the rest: first of all (the forwards go before
 * anything else happens to a VM becoming a management instance), and only on a
 * VM whose process is up (a stopped one is started with the desired setting).
 */
function hide(d: DesiredVm, l: LocalVm): Action[] {
  const want = !!d.hidden;
  if (want === !!l.hidden || (l.phase !== 'running' && l.phase !== 'suspended')) return [];
  return [{ kind: 'setHidden', hidden: want }];
}

function running(d: DesiredVm, l: LocalVm, ownerBusy: boolean): Action[] {
  // The owner's SUSPEND: nothing of the controller's RUNNING happens while they work.
  if (ownerBusy) return ownerSuspend(l);
  if (l.phase === 'suspended' && l.ownerSuspended) return [{ kind: 'resume', reason: OWNER_IDLE }];
  if (l.phase === 'failed' && d.generation > l.generation) return [{ kind: 'restart' }];
  // A finished task stays finished; only a new generation (StartVm) runs it again.
  if (l.phase === 'stopped' && !(l.taskDone && d.generation <= l.generation)) return [{ kind: 'restart' }];
  if (l.phase === 'suspended') return [{ kind: 'resume', reason: 'resumed' }];
  if (l.phase === 'running' && d.rebootCount > l.rebootCount) return [{ kind: 'reboot' }];
  if (l.phase === 'running' && resized(d, l)) return [{ kind: 'resize' }];
  return [];
}

/** What runs (the handle's spec) is not the desired size. */
export function resized(d: DesiredVm, l: LocalVm): boolean {
  const want = d.spec;
  const has = l.handle?.spec;
  return !!want && !!has && (want.vcpus !== has.vcpus || want.memoryMib !== has.memoryMiB);
}

/** Owner busy and the controller wants the VM running: suspend it locally until the owner is idle. */
function ownerSuspend(l: LocalVm): Action[] {
  if (l.phase === 'running') return [{ kind: 'suspend', reason: OWNER_ACTIVE, owner: true }];
  // Suspended at the controller's word, now wanted running: the owner holds it from here.
  if (l.phase === 'suspended' && !l.ownerSuspended) return [{ kind: 'hold', owner: true, reason: OWNER_ACTIVE }];
  // stopped / failed: not (re)started while the owner works; the gate re-queues it.
  return [];
}

/** Before the first desired state: only suspend for / resume after the owner. */
function gateOnly(l: LocalVm, ownerBusy: boolean): Action[] {
  if (ownerBusy && l.phase === 'running') return ownerSuspend(l);
  if (!ownerBusy && l.phase === 'suspended' && l.ownerSuspended) return [{ kind: 'resume', reason: OWNER_IDLE }];
  return [];
}
