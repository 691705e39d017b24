// The act step of ControlVmNative: resolve the VM the tool named within the
// caller's scope, then do the canonical action through the same code path as
// the VmService lifecycle RPCs (applyVmAction, VM_ACTIONS), or answer the query.
import { FailedPreconditionError, NotFoundError } from '../../../common/errors.js';
import { ULID_RE } from '../../../common/ids.js';
import { applyVmAction, VM_ACTIONS, type DesiredPusher, type VmAction } from '../../vms/actions.js';
import { refuse, type VmRecord, type VmRegistry } from '../../vms/registry.js';
import type { Decision, VmRef } from './decide.js';
import * as fmt from './output.js';
import type { NativeVm } from './output.js';
import type { CanonicalAction } from './vocab.js';

/** Most VMs a name resolution or a listing reads (pages of PAGE). */
export const NATIVE_SCAN = { maxVms: 10_000, page: 500, maxListed: 1000 };

/** The canonical actions as lifecycle changes: one rule each, shared with VmService. */
const ACTIONS: Record<CanonicalAction, VmAction> = {
  // The tools refuse to start what runs ("Domain is already active"); StartVm would bump its generation.
  start: {
    ...VM_ACTIONS.start,
    change: (v) => {
      if (v.desired === 'running' && v.state === 'running') refuse('the vm is already running');
      return VM_ACTIONS.start.change(v);
    },
  },
  stop: VM_ACTIONS.stop,
  stop_hard: VM_ACTIONS.stopHard,
  suspend: VM_ACTIONS.suspend,
  resume: VM_ACTIONS.resume,
  reboot: VM_ACTIONS.reboot,
};

export interface NativeAnswer {
  output: string;
  action: CanonicalAction | '';
  vmIds: string[];
}

const gone = (v: VmRecord) => v.desired === 'destroyed' || v.state === 'destroyed';

/** Every live VM the caller may see (in `tenant` when given), bounded; `stop` ends the scan early. */
async function scanVms(vms: VmRegistry, tenant: string | undefined, keep: (v: VmRecord) => boolean, max: number) {
  const out: VmRecord[] = [];
  let after = '';
  let read = 0;
  for (;;) {
    const page = await vms.list({ after, limit: NATIVE_SCAN.page, tenant });
    read += page.vms.length;
    for (const { vm } of page.vms) if (!gone(vm) && keep(vm) && out.length < max) out.push(vm);
    if (!page.more || read >= NATIVE_SCAN.maxVms || out.length >= max) return { vms: out, more: page.more };
    after = page.last;
  }
}

/**
 * The VM a tool's reference names, within `scope`: a Nephele id, a UUID virsh
 * showed, or a name unique among the caller's live VMs (an ambiguous one is
 * FAILED_PRECONDITION listing the ids). Another tenant's VM is NOT_FOUND, by
 * name or by id alike.
 */
export async function resolveVm(vms: VmRegistry, t: VmRef, scope: string | undefined): Promise<VmRecord> {
  if (scope !== undefined && t.tenant !== undefined && t.tenant !== scope) throw new NotFoundError('vm');
  const id = ULID_RE.test(t.ref) ? t.ref : fmt.uuidToUlid(t.ref);
  if (id) {
    const { vm } = await vms.get(id, scope);
    if (t.tenant !== undefined && vm.tenant !== t.tenant) throw new NotFoundError('vm');
    return vm;
  }
  const { vms: named } = await scanVms(vms, scope ?? t.tenant, (v) => v.name === t.ref, 50);
  if (named.length === 0) throw new NotFoundError(`vm named ${JSON.stringify(t.ref.slice(0, 64))}`);
  if (named.length > 1)
    throw new FailedPreconditionError(
      `the name ${JSON.stringify(t.ref.slice(0, 64))} matches ${named.length} vms (ids: ${named.map((v) => v.id).join(', ')}); give the id`,
    );
  return named[0]!;
}

/** Carries out a decision for a caller limited to `scope` (undefined: every tenant). */
export async function act(
  d: Decision,
  o: { vms: VmRegistry; push: DesiredPusher; scope: string | undefined; onTarget?: (vmId: string) => void },
): Promise<NativeAnswer> {
  if (d.kind === 'list') {
    const only = d.only ? (await resolveVm(o.vms, d.only, o.scope)).id : undefined;
    const keep = (v: VmRecord) => {
      const n = fmt.nativeVm(v);
      if (only) return v.id === only;
      return d.filter === 'all' || (d.filter === 'active') === fmt.isActive(n);
    };
    const { vms } = await scanVms(o.vms, o.scope, keep, NATIVE_SCAN.maxListed);
    const list = vms.map(fmt.nativeVm);
    const output =
      d.tool === 'virsh' ? fmt.virshList(list, d.show) : d.tool === 'xl' ? fmt.xlList(list) : fmt.vmrunList(list);
    return { output, action: '', vmIds: list.map((v) => v.id) };
  }
  const vm = await resolveVm(o.vms, d.target, o.scope);
  o.onTarget?.(vm.id);
  if (d.kind === 'info') {
    const v = fmt.nativeVm(vm);
    return { output: d.tool === 'qm' ? fmt.qmStatus(v, d.verbose) : fmt.virshDominfo(v), action: '', vmIds: [vm.id] };
  }
  const r = await applyVmAction(o.vms, o.push, vm.id, o.scope, ACTIONS[d.action]);
  return answerFor(d, fmt.nativeVm(r.vm));
}

/** An action's answer (also a replay's: the VM as it is now, the action as it was asked). */
export function answerFor(d: Decision & { kind: 'action' }, v: NativeVm): NativeAnswer {
  return { output: fmt.actionOutput(d.tool, d.verb, d.action, v, d.given), action: d.action, vmIds: [v.id] };
}

export type { NativeVm };
