import type { MonitorServiceHandlers } from '../../common/gen/nephele/v1/MonitorService.js';

/** The state table's and policies' RPCs (controller/monitor/state). */
export type StateHandlers = Pick<
  MonitorServiceHandlers,
  'ListAppliances' | 'GetAppliance' | 'PollAppliance' | 'SetMonitorPolicy' | 'GetMonitorPolicy'
>;
/** The action log's, control actions' and subscriptions' RPCs (controller/monitor/actions, subscription). */
export type ActionHandlers = Pick<
  MonitorServiceHandlers,
  'ListControlActions' | 'TakeControlAction' | 'SetSubscription' | 'GetSubscription'
>;

/** MonitorService assembled from its parts; the types make a missing RPC a compile error. */
export function monitorHandlers(parts: { state: StateHandlers; actions: ActionHandlers }): MonitorServiceHandlers {
  return { ...parts.state, ...parts.actions };
}
