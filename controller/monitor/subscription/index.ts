// Subscriptions of the appliance monitor (issue 14): SetSubscription /
// GetSubscription and the ticker that ends a subscription. Assembled by
// startSubscriptions; the state table's setMonitored is injected.
import { NotFoundError } from '../../../common/errors.js';
import { unaryRpc, type RpcLayer, type UnaryCtx } from '../../rpc/handler.js';
import type { SubscriptionHandlers } from '../service.js';
import type { VmRegistry } from '../../vms/registry.js';
import { parseScope, subscriptionFromProto, subscriptionToProto, type SubScope } from './convert.js';
import { SubscriptionEngine, type SubscriptionDeps } from './engine.js';

import { scopeOps } from './ops.js';

export { scopeOps, type ScopeOps } from './ops.js';
export type { SubscriptionDeps } from './engine.js';

export async function startSubscriptions(deps: SubscriptionDeps) {
  const engine = new SubscriptionEngine(deps);
  await engine.start();

  /** The scope's tenant, or NOT_FOUND when it is outside the caller's tenant (or its set does not exist). */
  async function tenantIn(parsed: SubScope, ctx: UnaryCtx): Promise<string> {
    const tenant = await deps.ops.tenantOf(parsed);
    if (tenant === undefined || (ctx.scope !== undefined && tenant !== ctx.scope))
      throw new NotFoundError(parsed.kind === 'set' ? 'set' : 'tenant');
    return tenant;
  }
  const current = async (scope: string) => {
    const s = await engine.get(scope);
    if (!s) throw new NotFoundError('subscription');
    return { subscription: subscriptionToProto(s) };
  };

  const handlers = (layer: RpcLayer): SubscriptionHandlers => ({
    SetSubscription: unaryRpc(
      layer,
      'MonitorService.SetSubscription',
      async (req, ctx) => {
        const input = subscriptionFromProto(req.subscription, deps.clock.now());
        const tenant = await tenantIn(input.parsed, ctx);
        return { subscription: subscriptionToProto(await engine.set(input, tenant)) };
      },
      async (ref, _req, ctx) => {
        await tenantIn(parseScope('subscription.scope', ref).parsed, ctx);
        return current(ref);
      },
    ),
    GetSubscription: unaryRpc(layer, 'MonitorService.GetSubscription', async (req, ctx) => {
      const { scope, parsed } = parseScope('scope', req.scope);
      await tenantIn(parsed, ctx);
      return current(scope);
    }),
  });

  return { subs: engine, engine, handlers, stop: () => engine.stop() };
}

/**
 * Subscriptions over the controller's own parts. The state table's setMonitored
 * is a no-op until the state part lands (the coordinator wires it in).
 */
export function controllerSubscriptions(d: {
  store: SubscriptionDeps['store'];
  events: SubscriptionDeps['events'];
  clock: SubscriptionDeps['clock'];
  log: SubscriptionDeps['log'];
  vms: VmRegistry;
  planner: { retire(id: string, why: string): Promise<unknown> };
  sessions: { pushDesired(hostId: string): void };
  setMonitored?: SubscriptionDeps['setMonitored'];
}) {
  return startSubscriptions({
    ...d,
    ops: scopeOps({
      store: d.store,
      vms: d.vms,
      push: (id) => d.sessions.pushDesired(id),
      retireSet: (id, why) => d.planner.retire(id, why),
    }),
    setMonitored: d.setMonitored ?? (async () => undefined),
  });
}
