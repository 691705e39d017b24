// What an update cycle does next, decided from plain data (as the kubelet's
// computePodActions, and as the planner's place()): the cycle's record (its
// steps so far), what the controller observes of the two sets and the token,
// and the clock. No I/O here; act.ts performs the action and records the step.
// Level-triggered: after a controller restart the same record and fresh
// observations give the action that resumes the cycle, or that reverts it when
// the step in flight cannot be resumed (the plaintext token is never kept).
import type { CycleRecord, CycleState, CycleStep, VmRecord } from '../../model/index.js';

/**
 * How often a health step looks again while new VMs come up: each look is a
 * few store reads, and a second's wait per batch showed in the cycle's time.
 */
export const HEALTH_POLL_MS = 250;
/** A revert that keeps failing is retried this many times, then the cycle stops as failed. */
export const MAX_REVERT_ATTEMPTS = 5;

export interface SetSeen {
  state: 'waiting' | 'placing' | 'placed' | 'partial' | 'retiring' | 'retired' | 'failed' | string;
  count: number;
  /** Its members now (destroyed ones included). */
  members: VmRecord[];
}

export interface Observations {
  /** The prior set, or undefined once it is gone. */
  prior?: SetSeen;
  /** The revised set's id: the record's, or the set found cloned from the child image (populate interrupted). */
  newSetId: string;
  newSet?: SetSeen;
  /** A live management token made for this cycle ('' = none). */
  liveTokenId: string;
  /** The runner holds the plaintext token (lost in a controller restart). */
  haveToken: boolean;
  /** VMs whose probe answered as expected during the current health step. */
  probedOk: ReadonlySet<string>;
}

export type StepName =
  'select' | 'begin' | 'configure' | 'capture' | 'end' | 'canary' | 'batch' | 'health' | 'retire' | 'revert';

export type Action =
  /** The cycle is over (or not ours to run). */
  | { kind: 'none' }
  /** Record a step as failed without running it (it cannot run, e.g. the token was lost). */
  | { kind: 'fail'; step: StepName; reason: string }
  | { kind: 'select'; vmId: string }
  | { kind: 'begin'; vmId: string }
  | { kind: 'configure' }
  | { kind: 'capture' }
  /** End the management instance (by token id when the plaintext is gone). */
  | { kind: 'end'; tokenId: string }
  /** Create the revised set with `count` VMs (step canary or batch), or adopt `setId` found already made. */
  | { kind: 'populate'; step: 'canary' | 'batch'; count: number; adopt: string }
  | { kind: 'scale'; count: number }
  /** Start the health gate of the last batch. */
  | { kind: 'health' }
  | { kind: 'probe'; vmIds: string[] }
  | { kind: 'wait'; untilMs: number }
  /** The health gate passed: the current health step is done. */
  | { kind: 'healthy'; detail: string }
  | { kind: 'retire' }
  /** `vmId`: the instance was (maybe) reconfigured, so it is replaced by a fresh member of the prior set. */
  | { kind: 'revert'; newSetId: string; tokenId: string; vmId: string }
  | { kind: 'finish'; state: Exclude<CycleState, 'running'>; reason: string };

/** A member that runs and counts (not a management instance, not being retired). */
const serving = (vm: VmRecord) => vm.desired === 'running' && vm.state !== 'destroyed' && !vm.managed;

/** The VM the management instance is made from: a running member with a ready guest, oldest name first. */
export function pickVm(members: VmRecord[]): VmRecord | undefined {
  return members
    .filter((vm) => serving(vm) && vm.state === 'running' && vm.guestReady && vm.hostId)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))[0];
}

/** How many VMs the revised set has after `populated` canary/batch steps. */
export function batchTarget(c: CycleRecord, target: number, populated: number): number {
  const first = c.options.canary > 0 ? c.options.canary : c.options.maxParallel;
  return Math.min(target, first + Math.max(0, populated - 1) * c.options.maxParallel);
}

const doneCount = (steps: CycleStep[], names: string[]) =>
  steps.filter((s) => names.includes(s.name) && s.status === 'done').length;

export function decide(c: CycleRecord, o: Observations, now: number): Action {
  if (c.state !== 'running') return { kind: 'none' };
  const last = c.steps.at(-1);
  if (last?.name === 'retire' && last.status === 'done') return { kind: 'finish', state: 'succeeded', reason: '' };
  const failed = c.steps.find((s) => s.status === 'failed' && s.name !== 'revert');
  // Past the point of no return: the prior set is already going, so retiring it is finished, never undone.
  if (failed?.name === 'retire' && (!o.prior || o.prior.state === 'retiring' || o.prior.state === 'retired')) {
    const tries = c.steps.filter((s) => s.name === 'retire' && s.status === 'failed').length;
    return tries < MAX_REVERT_ATTEMPTS
      ? { kind: 'retire' }
      : { kind: 'finish', state: 'succeeded', reason: `the prior set is retiring; retire: ${failed.detail}` };
  }
  if (failed) return cleanup(c, o, `${failed.name}: ${failed.detail}`);
  const next = !last || last.status === 'done' ? following(last?.name) : (last.name as StepName | 'complete');
  if (next === 'complete') return { kind: 'finish', state: 'succeeded', reason: '' };
  // The prior set went away under the cycle (retired by hand): nothing left to update.
  if (next !== 'retire' && (!o.prior || o.prior.state === 'retired' || o.prior.state === 'retiring'))
    return { kind: 'fail', step: next, reason: 'the prior set was retired' };
  const prior = o.prior!;
  const lost = { kind: 'fail', reason: 'the token was lost in a controller restart' } as const;
  switch (next) {
    case 'select': {
      const vm = pickVm(prior.members);
      return vm
        ? { kind: 'select', vmId: vm.id }
        : { kind: 'fail', step: 'select', reason: 'no running vm with a ready guest in the set' };
    }
    case 'begin':
      // Interrupted while the token went in: whether it did is unknown, and its plaintext is gone either way.
      return last?.status === 'running' ? { ...lost, step: 'begin' } : { kind: 'begin', vmId: c.vmId };
    case 'configure':
    case 'capture':
      return o.haveToken ? { kind: next } : { ...lost, step: next };
    case 'end':
      return { kind: 'end', tokenId: c.tokenId };
    case 'canary':
    case 'batch':
    case 'health':
    case 'retire':
      return rollout(c, o, prior, next, now);
    default:
      // A revert step is only ever taken after a failure (cleanup above).
      return { kind: 'fail', step: next, reason: 'unexpected step' };
  }
}

/** After a done step (or at the start), the step that follows. */
function following(prev: string | undefined): StepName | 'complete' {
  const order: Record<string, StepName | 'complete'> = {
    '': 'select',
    select: 'begin',
    begin: 'configure',
    configure: 'capture',
    capture: 'end',
    end: 'canary',
    canary: 'health',
    batch: 'health',
    health: 'batch', // rollout() turns this into retire once the revised set is whole
    retire: 'complete',
  };
  return order[prev ?? '']!;
}

/** Populate in batches, each behind the health gate, then retire the prior set. */
function rollout(c: CycleRecord, o: Observations, prior: SetSeen, next: StepName, now: number): Action {
  const target = Math.max(1, prior.count);
  const populated = doneCount(c.steps, ['canary', 'batch']);
  const healthy = doneCount(c.steps, ['health']);
  if (next === 'retire') return { kind: 'retire' };
  if (next === 'canary' || next === 'batch') {
    if (healthy === populated && populated > 0 && batchTarget(c, target, populated) >= target)
      return { kind: 'retire' };
    const setId = c.newSetId || o.newSetId;
    const count = batchTarget(c, target, populated + 1);
    const step = populated > 0 || c.options.canary === 0 ? 'batch' : 'canary';
    // Populate interrupted after the set was made: the set cloned from the child image is adopted.
    if (!c.newSetId) return { kind: 'populate', step, count, adopt: setId };
    return { kind: 'scale', count };
  }
  // health: started by the runner; running until every VM of the batch answers, or its deadline.
  const step = c.steps.at(-1)!;
  if (step.name !== 'health') return { kind: 'health' };
  const want = batchTarget(c, target, populated);
  const members = (o.newSet?.members ?? []).filter(serving);
  const up = members.filter((vm) => vm.state === 'running' && vm.guestReady);
  const ok = up.filter((vm) => o.probedOk.has(vm.id));
  if (ok.length >= want) return { kind: 'healthy', detail: `${ok.length} of ${want} vms healthy` };
  const deadline = step.startedUnixMs + c.options.healthTimeoutS * 1000;
  if (now >= deadline)
    return {
      kind: 'fail',
      step: 'health',
      reason: `${ok.length} of ${want} vms healthy after ${c.options.healthTimeoutS}s (${members.length} present, ${up.length} running with a ready guest)`,
    };
  const toProbe = up.filter((vm) => !o.probedOk.has(vm.id)).map((vm) => vm.id);
  if (toProbe.length) return { kind: 'probe', vmIds: toProbe };
  return { kind: 'wait', untilMs: Math.min(deadline, now + HEALTH_POLL_MS) };
}

/** After a failure: undo (auto_revert) or stop; either way the management instance is ended. */
function cleanup(c: CycleRecord, o: Observations, reason: string): Action {
  const reverts = c.steps.filter((s) => s.name === 'revert');
  if (c.options.autoRevert) {
    if (reverts.some((s) => s.status === 'done')) return { kind: 'finish', state: 'reverted', reason };
    if (reverts.filter((s) => s.status === 'failed').length >= MAX_REVERT_ATTEMPTS)
      return { kind: 'finish', state: 'failed', reason: `${reason}; the revert kept failing` };
    const configured = c.steps.some((s) => s.name === 'configure');
    return {
      kind: 'revert',
      newSetId: c.newSetId || o.newSetId,
      tokenId: o.liveTokenId,
      vmId: configured ? c.vmId : '',
    };
  }
  // No plaintext token survives the failure: nobody could use the instance, so it goes back to its set.
  const ends = c.steps.filter((s) => s.name === 'end' && s.status === 'failed').length;
  if (o.liveTokenId && ends < MAX_REVERT_ATTEMPTS) return { kind: 'end', tokenId: o.liveTokenId };
  return { kind: 'finish', state: 'failed', reason };
}
