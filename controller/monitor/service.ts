import type { MonitorServiceHandlers } from '../../common/gen/nephele/v1/MonitorService.js';

/** The state table's and policies' RPCs (controller/monitor/state). */
export type StateHandlers = Pick<
  MonitorServiceHandlers,
  'ListAppliances' | 'GetAppliance' | 'PollAppliance' | 'SetMonitorPolicy' | 'GetMonitorPolicy'
>;
/** The action log's and control actions' RPCs (controller/monitor/actions). */
export type ActionHandlers = Pick<MonitorServiceHandlers, 'ListControlActions' | 'TakeControlAction'>;
/** Subscriptions (controller/monitor/subscription). */
export type SubscriptionHandlers = Pick<MonitorServiceHandlers, 'SetSubscription' | 'GetSubscription'>;

/** MonitorService assembled from its parts; the types make a missing RPC a compile error. */
export function monitorHandlers(parts: {
  state: StateHandlers;
  actions: ActionHandlers;
  subscriptions: SubscriptionHandlers;
}): MonitorServiceHandlers {
  return { ...parts.state, ...parts.actions, ...parts.subscriptions };
}
