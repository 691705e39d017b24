// ApplyRecommendation's decisions as pure functions (decide, then act): is the
// recommendation still good for the VM as it is now, which steps its kind takes,
// and when it runs.
import type { ApplyWhen } from '../../../common/model/reclass.js';
import type { RecommendationRecord } from '../../model/reclass.js';
import type { VmRecord } from '../../model/vm.js';
import type { SizeChange } from '../../planner/reshape.js';
import type { ApplyStepModel } from '../ports.js';
import { vmSpecHash } from '../spec-hash.js';

/** Why the recommendation cannot be applied in its state (undefined: it can: open or scheduled). */
export function stateProblem(rec: RecommendationRecord): string | undefined {
  return rec.state === 'open' || rec.state === 'scheduled' ? undefined : `it is ${rec.state}`;
}

/** Why the VM is no longer the one recommended for (gone, moved, changed); undefined when it still is. */
export function staleReason(rec: RecommendationRecord, vm: VmRecord | undefined): string | undefined {
  if (!vm || vm.desired === 'destroyed' || vm.state === 'destroyed') return 'the vm is gone';
  if (vm.generation !== rec.vmGeneration) return 'the vm was moved or re-placed since';
  if (rec.vmSpecHash && vm.spec && rec.vmSpecHash !== vmSpecHash(vm.spec)) return 'the vm was changed since';
  if (!rec.vmSpecHash && vm.spec && (vm.spec.vcpus !== rec.vcpus || vm.spec.memoryMib !== rec.memoryMib))
    return 'the vm was resized since';
  return undefined;
}

/** The size the target gives the VM. */
export const sizeOf = (rec: RecommendationRecord): SizeChange => ({
  vcpus: rec.target.vcpus,
  memoryMib: rec.target.memoryMib,
  vmClass: rec.target.kind === 'class' || rec.target.kind === 'custom' ? rec.target.vmClass : '',
});

const STEPS: Record<RecommendationRecord['kind'], [string, string][]> = {
  resize: [
    ['reserve', 'the host has room and the quota admits the new size'],
    ['resize', 'the new size is written and pushed to its host'],
    ['wait', 'the vm runs at the new size'],
  ],
  move: [
    ['reserve', 'a host offering the features takes it and the quota admits its size'],
    ['move', 'the vm is re-placed on that host'],
    ['wait', 'the vm runs there, guest ready'],
  ],
  new_vm: [
    ['reserve', 'a host takes a new vm of the target size and the quota admits it'],
    ['create', 'a vm of the target size in the same set, from the same image'],
    ['wait', 'the new vm runs, guest ready'],
    ['probe', 'its appliance answers'],
    ['retire', 'the old vm is destroyed'],
  ],
  reassign: [
    ['check', 'the target vm runs'],
    ['configure', "the source's configuration applied onto the target"],
    ['probe', "the target's appliance answers"],
    ['retire', 'the source vm is destroyed'],
  ],
};

/** The steps of `rec`'s kind, all planned. */
export function planSteps(rec: RecommendationRecord): ApplyStepModel[] {
  return STEPS[rec.kind].map(([name, detail]) => ({ name, state: 'planned', detail }));
}

/**
 * When it runs: now (applying), or scheduled at the set's next maintenance
 * window or at `atUnixMs`. An error string (naming the field) when it cannot be.
 */
export function scheduleOf(
  when: ApplyWhen,
  atUnixMs: number,
  nowUnixMs: number,
  nextWindow: number | undefined,
): { state: 'applying' | 'scheduled'; atUnixMs: number } | { field: string; problem: string } {
  if (when === 'now') return { state: 'applying', atUnixMs: nowUnixMs };
  if (when === 'at') {
    if (!Number.isSafeInteger(atUnixMs) || atUnixMs <= 0)
      return { field: 'at_unix_ms', problem: 'must be a time in Unix milliseconds' };
    return atUnixMs <= nowUnixMs ? { state: 'applying', atUnixMs: nowUnixMs } : { state: 'scheduled', atUnixMs };
  }
  if (nextWindow === undefined) return { field: 'when', problem: "the vm's set has no maintenance window" };
  return { state: 'scheduled', atUnixMs: nextWindow };
}
