// Cold migration's decisions, pure (decide, then act in run.ts): whether a VM may
// go to a scheme and host at all, whether its disk must be converted on the way,
// and, while it comes up where it went, whether it is healthy, failed or still
// coming. Facts in, a verdict out; no store, no clock of its own.
import { FailedPreconditionError, InvalidArgumentError } from '../../../common/errors.js';
import type { VmRecord } from '../../model/vm.js';

/** The disk image format each scheme runs; absent: the scheme has no disk image (a process). */
export const DISK_FORMAT: Readonly<Record<string, string | undefined>> = {
  qemu: 'qcow2',
  libvirt: 'qcow2',
  process: undefined,
};
/** Schemes whose guests run the guest agent (healthy = running and the guest says it is ready). */
const GUEST_AGENT_SCHEMES = new Set(['qemu', 'libvirt']);

export const KNOWN_SCHEMES: readonly string[] = Object.keys(DISK_FORMAT);

/** What a target host looks like to the planner (its fleet slot). */
export interface HostFacts {
  ready: boolean;
  cordoned: boolean;
  schemes: string[];
}

export interface MigrationPlan {
  fromScheme: string;
  toScheme: string;
  fromHost: string;
  /** The disk goes with it (export, then import there); false: it starts afresh there. */
  carriesDisk: boolean;
  /** [from, to] disk formats when they differ (the disk is converted between export and import). */
  convert?: [string, string];
}

/**
 * Whether `vm` may migrate to `toScheme` (on `hostId`, or where the planner chooses: ""),
 * and how. Throws INVALID_ARGUMENT naming the field, FAILED_PRECONDITION saying why not.
 */
export function planMigration(
  vm: VmRecord,
  toScheme: string,
  hostId: string,
  host: HostFacts | undefined,
  sourceReady: boolean,
): MigrationPlan {
  if (!KNOWN_SCHEMES.includes(toScheme))
    throw new InvalidArgumentError('target_scheme', `unknown scheme (known: ${KNOWN_SCHEMES.join(', ')})`);
  if (vm.desired === 'destroyed') throw new FailedPreconditionError('the vm is being destroyed');
  if (!vm.hostId) throw new FailedPreconditionError('the vm is not placed on any host (it waits for capacity)');
  if (vm.exportDisk || vm.moveChange || vm.migration)
    throw new FailedPreconditionError('the vm is already being moved; wait for that move to end');
  if (vm.managed) throw new FailedPreconditionError('the vm is a management instance; end management first');
  const fromScheme = vm.spec.scheme;
  const from = DISK_FORMAT[fromScheme];
  const to = DISK_FORMAT[toScheme];
  if (fromScheme !== toScheme && !!from !== !!to) {
    const [disk, none] = from ? [fromScheme, toScheme] : [toScheme, fromScheme];
    throw new FailedPreconditionError(
      `cannot migrate ${fromScheme} to ${toScheme}: a ${disk} vm runs from a disk image, a ${none} vm has none to carry over`,
    );
  }
  // A disk is handed over by its host: one that is not there, or a VM that failed, has none to give.
  if (from && !sourceReady)
    throw new FailedPreconditionError("the vm's host is not reachable: its disk cannot be handed over");
  if (from && vm.state === 'failed') throw new FailedPreconditionError('the vm failed; start it again first');
  if (hostId) {
    if (hostId === vm.hostId) throw new InvalidArgumentError('target_host_id', 'is the host the vm runs on now');
    if (!host) throw new FailedPreconditionError('target_host_id: no such host');
    if (!host.ready) throw new FailedPreconditionError('target_host_id: the host is not ready');
    if (host.cordoned) throw new FailedPreconditionError('target_host_id: the host is cordoned');
    if (!host.schemes.includes(toScheme))
      throw new FailedPreconditionError(
        `target_host_id: the host does not offer ${toScheme} (it offers ${host.schemes.join(', ') || 'none'})`,
      );
  }
  return {
    fromScheme,
    toScheme,
    fromHost: vm.hostId,
    carriesDisk: !!from,
    ...(from && to && from !== to ? { convert: [from, to] as [string, string] } : {}),
  };
}

export type Verdict = { kind: 'healthy' } | { kind: 'wait' } | { kind: 'failed'; reason: string };

/** Where the migrated VM must be seen healthy: its host and generation after the re-placement. */
export interface Landing {
  hostId: string;
  generation: number;
  scheme: string;
  deadlineUnixMs: number;
}

/**
 * The migrated VM as last observed: healthy (running there, and its guest ready where
 * the scheme has a guest agent), failed (refused or failed there, fenced by someone
 * else, its host gone, or too slow), or still coming up.
 */
export function verdict(vm: VmRecord | undefined, at: Landing, hostReady: boolean, now: number): Verdict {
  if (!vm || vm.desired === 'destroyed') return { kind: 'failed', reason: 'the vm was destroyed meanwhile' };
  if (vm.hostId !== at.hostId || vm.generation !== at.generation)
    return { kind: 'failed', reason: 'the vm was moved by someone else meanwhile' };
  if (vm.state === 'failed') return { kind: 'failed', reason: `the target host could not run it: ${vm.stateReason}` };
  if (vm.state === 'running' && (vm.guestReady || !GUEST_AGENT_SCHEMES.has(at.scheme))) return { kind: 'healthy' };
  if (!hostReady) return { kind: 'failed', reason: 'the target host went away' };
  if (now > at.deadlineUnixMs)
    return {
      kind: 'failed',
      reason: `not healthy in time (${vm.state}${vm.stateReason ? `: ${vm.stateReason}` : ''})`,
    };
  return { kind: 'wait' };
}

/** The export's progress: done (the disk is with the controller), failed, or still uploading. */
export function exportVerdict(
  vm: VmRecord | undefined,
  transferId: string,
  transferReady: boolean,
  now: number,
  deadlineUnixMs: number,
): Verdict {
  if (!vm || vm.desired === 'destroyed') return { kind: 'failed', reason: 'the vm was destroyed meanwhile' };
  if (vm.exportDisk !== transferId) return { kind: 'failed', reason: 'the move was given up meanwhile' };
  if (transferReady) return { kind: 'healthy' };
  if (vm.state === 'failed') return { kind: 'failed', reason: `its disk could not be exported: ${vm.stateReason}` };
  if (now > deadlineUnixMs) return { kind: 'failed', reason: 'its disk was not exported in time' };
  return { kind: 'wait' };
}

/** States in which the target's copy may be up (or about to be). */
const MAY_RUN = new Set(['pending', 'creating', 'running', 'suspended']);

/**
 * Before a rollback: the target's copy, if it may be up and its host is there to stop it,
 * is stopped first, so the source's never starts beside it (a host that is gone is fenced
 * by the generation when it comes back).
 */
export function stopFirst(vm: VmRecord | undefined, at: Landing, hostReady: boolean): boolean {
  return !!vm && hostReady && vm.hostId === at.hostId && vm.generation === at.generation && MAY_RUN.has(vm.state);
}

/** Waiting for that stop: done (healthy) once it is down or no longer there; failed at the deadline. */
export function stopVerdict(vm: VmRecord | undefined, at: Landing, hostReady: boolean, now: number): Verdict {
  if (!stopFirst(vm, at, hostReady)) return { kind: 'healthy' };
  if (now > at.deadlineUnixMs) return { kind: 'failed', reason: `the target did not stop it in time (${vm!.state})` };
  return { kind: 'wait' };
}
