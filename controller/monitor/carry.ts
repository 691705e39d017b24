// The monitor and update cycles. A cycle replaces a set with a revised one (a
// new set id): what the operator set on the prior set for its monitoring — its
// policy and its subscription — carries over to the revised set, so the new VMs
// are watched and end as the old ones would have. And an outdated appliance of
// a set cloned from an image is updated by such a cycle (a new image), not in place.
import type { CycleService } from '../tokens/cycle/cycles.js';
import { changesFromProto, optionsFromProto } from '../tokens/cycle/convert.js';
import type { PolicyBook } from './policy/policies.js';
import type { SubscriptionEngine } from './subscription/engine.js';

/**
 * Starts the set's update cycle to appliance `version`, one VM at a time after
 * a canary, reverted when the new VMs fail their health gate (nobody watches a
 * rollout the monitor started). Resolves with the cycle id.
 */
export async function updateThroughImage(cycles: Pick<CycleService, 'start'>, setId: string, version: string) {
  const changes = changesFromProto({
    ...{ token: '', config: {}, files: [], applianceVersion: version },
    ...{ vcpus: 0, memoryMib: 0, diskGib: 0, requestId: '' },
  });
  const options = { ...optionsFromProto(null), autoRevert: true };
  return (await cycles.start(setId, changes, options, undefined)).id;
}

export async function carryOver(
  d: { policies: PolicyBook; subs: SubscriptionEngine; tenantOfSet(setId: string): Promise<string | undefined> },
  priorSetId: string,
  newSetId: string,
): Promise<void> {
  const policy = d.policies.get(`set:${priorSetId}`);
  if (policy) await d.policies.set({ ...policy, scope: `set:${newSetId}` });
  const sub = await d.subs.get(`set:${priorSetId}`);
  if (sub && (sub.state === 'pending' || sub.state === 'active')) {
    const tenant = (await d.tenantOfSet(newSetId)) ?? '';
    const { startUnixMs, endUnixMs, graceS, warnS } = sub;
    await d.subs.set(
      { scope: `set:${newSetId}`, parsed: { kind: 'set', id: newSetId }, startUnixMs, endUnixMs, graceS, warnS },
      tenant,
    );
  }
}
