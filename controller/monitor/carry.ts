// An update cycle replaces a set with a revised one (a new set id): what the
// operator set on the prior set for its monitoring — its policy and its
// subscription — carries over to the revised set, so the new VMs are watched
// and end as the old ones would have.
import type { PolicyBook } from './policy/policies.js';
import type { SubscriptionEngine } from './subscription/engine.js';

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
