// What a set's view says about it, from its members' current states (never a
// stale sentence written at the last placement round), and how many members a
// set is short of. Pure: unit-tested without a store.
import type { SetRecord } from '../model/index.js';
import type { Counts } from './counts.js';

type SetFacts = Pick<SetRecord, 'state' | 'stateReason' | 'count' | 'request' | 'failedReplaced'>;

/** Members a set should place now: wanted, less those placed, managed, waiting for a host, or whose task is done. */
export function shortfall(count: number, c: Pick<Counts, 'placed' | 'finished' | 'managed'>, waiting: number): number {
  return Math.max(0, count - c.placed - (c.managed ?? 0) - c.finished - waiting);
}

/** Failed members a set replaces over its life: each of its places may fail `maxAttempts` times. */
export const failedBudget = (count: number, maxAttempts: number) => Math.max(1, count) * maxAttempts;

/** Whether a failed member of this set is replaced by a fresh one: guaranteed sets, within their budget. */
export function replacesFailed(set: Omit<SetFacts, 'stateReason'>, maxAttempts: number): boolean {
  return (
    set.request.sla === 'guaranteed' &&
    (set.state === 'placed' || set.state === 'partial') &&
    (set.failedReplaced ?? 0) < failedBudget(set.count, maxAttempts)
  );
}

/**
 * The set's reason as its view shows it. Scheduled, retiring and retired sets
 * keep the reason stored with the transition (why it was deleted, when it
 * starts); a set with members is described by what they are doing now.
 */
export function setReason(set: SetFacts, c: Counts, waiting: number, maxAttempts: number): string {
  if (set.state === 'scheduled' || set.state === 'retiring' || set.state === 'retired') return set.stateReason;
  const parts = [`${c.placed} of ${set.count} placed`];
  const starting = c.placed - c.running - c.failed;
  if (c.running) parts.push(`${c.running} running`);
  if (starting > 0) parts.push(`${starting} starting`);
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.finished) parts.push(`${c.finished} ${c.finished === 1 ? 'task' : 'tasks'} done`);
  if (waiting) parts.push(`${waiting} waiting for a host`);
  if (c.managed) parts.push(`${c.managed} under management (hidden)`);
  const missing = shortfall(set.count, c, waiting);
  let tail = '';
  if (set.state === 'waiting') tail = 'waiting for capacity until the batch window ends';
  else if (c.failed && set.request.sla === 'guaranteed' && !replacesFailed(set, maxAttempts))
    tail = `failed vms are no longer replaced (${set.failedReplaced ?? 0} replaced)`;
  else if (missing) tail = `${missing} not placed`;
  return tail ? `${parts.join(', ')}; ${tail}` : parts.join(', ');
}
