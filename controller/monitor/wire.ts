// MonitorService as the controller runs it: the actions part with its seams. The
// state table, policies, subscriptions and mirror are placeholders until their
// parts land (the coordinator wires startMonitorState / openMonitorMirror here).
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { EventLog } from '../events/log.js';
import type { RpcLayer } from '../rpc/handler.js';
import type { AgentCommands } from '../tokens/ports.js';
import type { VmRegistry } from '../vms/registry.js';
import { registryControl, startMonitorActions } from './actions/index.js';
import { defaultPolicies, emptyStateTable, noMirror } from './actions/seams.js';
import { monitorHandlers } from './service.js';
import { stubStateHandlers, stubSubscriptionHandlers } from './stubs.js';

export function startMonitor(d: {
  store: Store;
  events: EventLog;
  clock: Clock;
  log: Logger;
  commands: AgentCommands;
  vms: VmRegistry;
  push: (hostId: string) => void;
}) {
  const actions = startMonitorActions({
    ...d,
    mirror: noMirror,
    table: emptyStateTable,
    policies: defaultPolicies,
    vms: registryControl(d.vms, d.push),
  });
  return {
    actions,
    handlers: (layer: RpcLayer) =>
      monitorHandlers({
        state: stubStateHandlers(layer),
        actions: actions.handlers(layer),
        subscriptions: stubSubscriptionHandlers(layer),
      }),
    stop: () => actions.stop(),
  };
}
