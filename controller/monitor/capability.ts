// The appliance monitor assembled for server.ts (issue 14): the external
// store's mirror, the state table and policies, the decide/act loop and the
// action log, subscriptions, and MonitorService over them.
import type { Registry } from 'prom-client';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { EventLog } from '../events/log.js';
import type { Planner } from '../planner/planner.js';
import type { SessionManager } from '../hosts/session.js';
import type { RpcLayer } from '../rpc/handler.js';
import type { AgentCommands } from '../tokens/ports.js';
import type { VmRegistry } from '../vms/registry.js';
import { openMonitorMirror } from './sink/mirror.js';
import { mirrorMetrics } from './sink/metrics.js';
import { stateMetrics } from './state/metrics.js';
import { wireMonitorState } from './state/wire.js';
import { monitorHandlers } from './service.js';
import { registryControl, startMonitorActions } from './actions/index.js';
import { actionMeter } from '../usage/monitor-meter.js';
import { controllerSubscriptions } from './subscription/index.js';
import { carryOver, updateThroughImage } from './carry.js';
import type { CycleWiring } from '../tokens/cycle/wire.js';
import type { SetRecord } from '../model/index.js';
import { SETS } from '../planner/sets.js';

export interface MonitorCapabilityDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  events: EventLog;
  planner: Planner;
  sessions: SessionManager;
  vms: VmRegistry;
  management: { commands: AgentCommands };
  /**
   * Update cycles: a revised set takes over its prior set's policy and subscription,
   * and an outdated set cloned from an image is updated by one.
   */
  imaging?: { cycles: Pick<CycleWiring, 'runner' | 'service'> };
  /** monitorStore: --monitor-store; unset = no external store. */
  cfg: { monitorStore?: string };
  /** The controller's Prometheus metrics (when --metrics-listen is on). */
  metrics?: { registry: Registry };
}

export async function startMonitorCapability(d: MonitorCapabilityDeps) {
  const { store, clock, log } = d;
  const url = d.cfg.monitorStore;
  const mirror = await openMonitorMirror({ store, url, log, clock });
  if (url && d.metrics) mirrorMetrics(d.metrics.registry, mirror);
  // Subscriptions turn monitoring off (the state table) and the state table asks
  // them whether a VM may be monitored: bound late, first called once both exist.
  let state: Awaited<ReturnType<typeof wireMonitorState>> | undefined;
  const subs = await controllerSubscriptions({
    ...d,
    setMonitored: async (ids, on) => state?.table.setMonitored(ids, on),
  });
  state = await wireMonitorState({
    ...d,
    commands: d.management.commands,
    mirror,
    active: (setId, tenant) => subs.subs.active(setId, tenant),
  });
  const table = state;
  if (d.metrics) stateMetrics(d.metrics.registry, table.table);
  const actions = startMonitorActions({
    ...d,
    mirror,
    table: table.table,
    policies: table.policies,
    commands: d.management.commands,
    vms: registryControl(d.vms, (id) => d.sessions.pushDesired(id)),
    meterAction: actionMeter(store),
    updateSet: d.imaging && ((setId, version) => updateThroughImage(d.imaging!.cycles.service, setId, version)),
  });
  const tenantOfSet = async (id: string) => (await store.get<SetRecord>(SETS, id))?.value.tenant;
  const carry = (prior: string, next: string) =>
    carryOver({ policies: table.policies, subs: subs.engine, tenantOfSet }, prior, next);
  d.imaging?.cycles.runner.onRevised.add(carry);
  return {
    state: table,
    mirror,
    subs,
    actions,
    handlers: (layer: RpcLayer) =>
      monitorHandlers({
        state: table.handlers(layer),
        actions: actions.handlers(layer),
        subscriptions: subs.handlers(layer),
      }),
    async stop() {
      d.imaging?.cycles.runner.onRevised.delete(carry);
      actions.stop();
      await subs.stop();
      await table.stop();
      await mirror.close();
    },
  };
}
