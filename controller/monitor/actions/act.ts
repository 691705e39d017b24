// Carrying out one control action: app actions go to the VM's agent as an
// AgentCommand (its command id is the action id, so a repeat is answered once);
// VM actions change the VM's desired state the way VmService does and push it to
// the host; terminate destroys the VM, and the planner replaces a set's lost member.
import type { AgentCommand } from '../../../common/gen/nephele/v1/AgentCommand.js';
import type { Logger } from '../../../common/logger.js';
import { FailedPreconditionError } from '../../../common/errors.js';
import type { AgentCommands } from '../../tokens/ports.js';
import { lifecycleEvent, refuse, type VmRecord, type VmRegistry } from '../../vms/registry.js';
import { VM_ACTIONS, type VmAction } from '../../vms/actions.js';
import type { ActionKind, ActionRecord, ApplianceRecord } from '../../model/monitor.js';
import type { ActionLog, Scope } from '../ports.js';
import { appActionKindToProto } from './convert.js';

export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

export type VmOpKind = Extract<ActionKind, 'suspend' | 'resume' | 'reboot' | 'stop' | 'terminate'>;
const VM_OPS = new Set<ActionKind>(['suspend', 'resume', 'reboot', 'stop', 'terminate']);
export const isVmOp = (k: ActionKind): k is VmOpKind => VM_OPS.has(k);

/** The VM side of the actions (controller/vms), injected so tests use a fake. */
export interface VmControl {
  /** The VM in scope (NOT_FOUND outside it). */
  get(vmId: string, scope: Scope): Promise<VmRecord>;
  apply(vmId: string, op: VmOpKind): Promise<void>;
}

const gone = (v: VmRecord) => v.desired === 'destroyed';

/** What each VM op changes: VmService's own rules (a suspend needs a running VM, ...). */
const CHANGES: Record<VmOpKind, VmAction> = {
  suspend: VM_ACTIONS.suspend,
  resume: VM_ACTIONS.resume,
  reboot: VM_ACTIONS.reboot,
  stop: VM_ACTIONS.stop,
  terminate: { kind: 'destroy_requested', change: () => ({ desired: 'destroyed' }) },
};

export function registryControl(vms: VmRegistry, push: (hostId: string) => void): VmControl {
  return {
    get: async (vmId, scope) => (await vms.get(vmId, scope)).vm,
    async apply(vmId, op) {
      const { change, kind } = CHANGES[op];
      const { vm } = await vms.setDesired(
        vmId,
        undefined,
        (v) => {
          if (gone(v)) refuse('the vm is being destroyed');
          return change(v);
        },
        lifecycleEvent(kind),
      );
      if (vm.hostId) push(vm.hostId);
    },
  };
}

export interface ActDeps {
  log: ActionLog;
  commands: AgentCommands;
  vms: VmControl;
  /** Whether the set's VMs run from images (then an update goes through the set's update cycle). */
  setUsesImages(setId: string): Promise<boolean>;
  /**
   * Starts the set's update cycle to `version` (controller/tokens/cycle): a
   * management instance is configured, captured as a new image and the set
   * replaced by clones of it. Resolves with the cycle id; FAILED_PRECONDITION
   * when one is running already. Unset: such an update is skipped.
   */
  updateSet?(setId: string, version: string): Promise<string>;
  /** Metering (controller/usage, the subs helper): every action carried out counts. */
  meterAction(a: ActionRecord): Promise<void> | void;
  logger: Logger;
  commandTimeoutMs: number;
}

/** The AgentCommand for an app action (kill_process is guarded by the process's name and exe hash). */
export function appCommand(a: ActionRecord, vm: VmRecord, row: ApplianceRecord | undefined): AgentCommand {
  const proc = a.kind === 'kill_process' ? row?.processes.find((p) => p.pid === a.pid) : undefined;
  return {
    commandId: a.id,
    vmId: vm.id,
    generation: vm.generation,
    app: {
      kind: appActionKindToProto(a.kind),
      pid: a.pid,
      exeSha256: proc?.exeSha256 ?? '',
      name: proc?.name ?? '',
      version: a.version,
    },
  };
}

/** Runs a begun action and records its outcome. Never throws: a failure is the action's outcome. */
export async function act(d: ActDeps, a: ActionRecord, row: ApplianceRecord | undefined): Promise<ActionRecord> {
  let outcome: ActionRecord['outcome'] = 'done';
  let detail = '';
  try {
    if (isVmOp(a.kind)) {
      await d.vms.apply(a.vmId, a.kind);
    } else if (a.kind === 'update_app' && a.setId && (await d.setUsesImages(a.setId))) {
      // The set's VMs come from an image: the new version is rolled out as a new image by the set's update cycle.
      if (!d.updateSet || !a.version) {
        outcome = 'skipped';
        detail = "the set runs from an image: update it with the set's update cycle";
      } else {
        try {
          detail = `update cycle ${await d.updateSet(a.setId, a.version)} rolls out version ${a.version}`;
        } catch (e) {
          if (!(e instanceof FailedPreconditionError)) throw e;
          // Every outdated member asks; the first one's cycle updates them all.
          outcome = 'skipped';
          detail = `the set's update cycle did not start: ${e.message}`;
        }
      }
    } else {
      const vm = await d.vms.get(a.vmId, undefined);
      if (!vm.hostId || gone(vm)) throw new FailedPreconditionError('the vm is not on a host');
      const r = await d.commands.run(vm.hostId, appCommand(a, vm, row), d.commandTimeoutMs);
      if (!r.ok) {
        outcome = 'failed';
        detail = r.error || 'the agent refused the action';
      }
    }
  } catch (e) {
    outcome = 'failed';
    detail = e instanceof Error ? e.message : String(e);
  }
  const done = await d.log.finish(a.id, outcome, detail);
  d.logger.info(
    { vm_id: a.vmId, action_id: a.id, kind: a.kind, trigger: a.trigger, outcome },
    'monitor action finished',
  );
  if (outcome !== 'skipped') {
    try {
      await d.meterAction(done);
    } catch (e) {
      d.logger.warn({ err: e, action_id: a.id }, 'metering a monitor action failed');
    }
  }
  return done;
}
