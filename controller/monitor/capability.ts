// The appliance monitor assembled for server.ts (issue 14): the external
// store's mirror, the state table and policies, and MonitorService.
import type { Registry } from 'prom-client';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { SessionManager } from '../hosts/session.js';
import type { RpcLayer } from '../rpc/handler.js';
import type { AgentCommands } from '../tokens/ports.js';
import type { VmRegistry } from '../vms/registry.js';
import { openMonitorMirror } from './sink/mirror.js';
import { mirrorMetrics } from './sink/metrics.js';
import { wireMonitorState } from './state/wire.js';
import { monitorStubHandlers } from './stubs.js';

export interface MonitorCapabilityDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  sessions: SessionManager;
  vms: VmRegistry;
  management: { commands: AgentCommands };
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
  const state = await wireMonitorState({ ...d, commands: d.management.commands, mirror });
  return {
    state,
    mirror,
    handlers: (layer: RpcLayer) => monitorStubHandlers(layer, state.handlers(layer)),
    async stop() {
      await state.stop();
      await mirror.close();
    },
  };
}
