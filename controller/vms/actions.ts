// The VM lifecycle changes (start, stop, power-off, suspend, resume, reboot):
// one rule per action, shared by every door onto them — VmService's lifecycle
// RPCs, foreign vocabularies (controller/schemes/native), monitor actions.
import { lifecycleEvent, refuse, type VmRecord, type VmRegistry } from './registry.js';

/** Pushes a host's desired state to its live session (a no-op when it is offline). */
export type DesiredPusher = (hostId: string) => void;

const isGone = (vm: VmRecord) => vm.desired === 'destroyed';

/** One lifecycle change: its event kind, and the desired-state patch (undefined = nothing to do; refuse() = impossible). */
export interface VmAction {
  kind: string;
  change: (vm: VmRecord) => Partial<VmRecord> | undefined;
  /** Allowed on a VM being destroyed (only destroy itself). */
  whileGone?: boolean;
}

/** Changes the VM's desired state by `a` (within `scope`: another tenant's VM is NOT_FOUND) and tells its host. */
export async function applyVmAction(
  vms: VmRegistry,
  push: DesiredPusher,
  id: string,
  scope: string | undefined,
  a: VmAction,
): Promise<{ vm: VmRecord; version: number }> {
  const r = await vms.setDesired(
    id,
    scope,
    (v) => {
      if (isGone(v) && !a.whileGone) refuse('the vm is being destroyed');
      return a.change(v);
    },
    lifecycleEvent(a.kind),
  );
  push(r.vm.hostId);
  return r;
}

/** The lifecycle changes by action. */
export const VM_ACTIONS = {
  // Start bumps the generation: a failed VM is restarted only when asked.
  start: { kind: 'start_requested', change: (v) => ({ desired: 'running', generation: v.generation + 1 }) },
  stop: {
    kind: 'stop_requested',
    change: (v) =>
      v.desired === 'stopped' ? undefined : { desired: 'stopped', ...(v.hardStop ? { hardStop: false } : {}) },
  },
  // A power-off (virsh destroy): stopped without a graceful shutdown; the VM is kept.
  stopHard: {
    kind: 'power_off_requested',
    change: (v) =>
      v.desired === 'stopped' && (v.hardStop || v.state === 'stopped')
        ? undefined
        : { desired: 'stopped', hardStop: true },
  },
  suspend: {
    kind: 'suspend_requested',
    change: (v) => {
      if (v.state !== 'running' && v.state !== 'suspended')
        refuse(`only a running vm can be suspended (it is ${v.state})`);
      return v.desired === 'suspended' ? undefined : { desired: 'suspended' };
    },
  },
  resume: {
    kind: 'resume_requested',
    change: (v) => {
      if (v.desired !== 'suspended') refuse('the vm is not suspended');
      return { desired: 'running' };
    },
  },
  reboot: {
    kind: 'reboot_requested',
    change: (v) => {
      if (v.state !== 'running') refuse(`only a running vm can be rebooted (it is ${v.state})`);
      return { rebootCount: v.rebootCount + 1 };
    },
  },
} satisfies Record<string, VmAction>;
