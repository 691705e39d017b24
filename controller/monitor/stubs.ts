// Placeholders while the monitor's parts are built (issue 14): every RPC is
// guarded by the RPC table and answers FAILED_PRECONDITION. Removed once both parts land.
import { unaryRpc, type RpcLayer } from '../rpc/handler.js';
import { FailedPreconditionError } from '../../common/errors.js';
import { monitorHandlers, type ActionHandlers, type StateHandlers, type SubscriptionHandlers } from './service.js';

const todo = (layer: RpcLayer, rpc: string) =>
  unaryRpc(layer, `MonitorService.${rpc}`, async () => {
    throw new FailedPreconditionError('the appliance monitor is not built yet');
  });

export const stubStateHandlers = (layer: RpcLayer): StateHandlers => ({
  ListAppliances: todo(layer, 'ListAppliances'),
  GetAppliance: todo(layer, 'GetAppliance'),
  PollAppliance: todo(layer, 'PollAppliance'),
  SetMonitorPolicy: todo(layer, 'SetMonitorPolicy'),
  GetMonitorPolicy: todo(layer, 'GetMonitorPolicy'),
});

export const stubActionHandlers = (layer: RpcLayer): ActionHandlers => ({
  ListControlActions: todo(layer, 'ListControlActions'),
  TakeControlAction: todo(layer, 'TakeControlAction'),
});

export const stubSubscriptionHandlers = (layer: RpcLayer): SubscriptionHandlers => ({
  SetSubscription: todo(layer, 'SetSubscription'),
  GetSubscription: todo(layer, 'GetSubscription'),
});

/** The parts built so far (controller/monitor/*); the others stay placeholders. */
export const monitorStubHandlers = (
  layer: RpcLayer,
  parts: { state?: StateHandlers; actions?: ActionHandlers; subscriptions?: SubscriptionHandlers },
) =>
  monitorHandlers({
    state: parts.state ?? stubStateHandlers(layer),
    actions: parts.actions ?? stubActionHandlers(layer),
    subscriptions: parts.subscriptions ?? stubSubscriptionHandlers(layer),
  });
