// The state table and policies of the appliance monitor, assembled: load both,
// gate the agents' specs on monitoring being on, push desired state when a
// policy changes, and answer the state RPCs.
import type { Logger } from 'pino';
import type { Clock } from '../../../common/clock.js';
import type { Store } from '../../../common/store/index.js';
import type { AgentCommands } from '../../tokens/ports.js';
import type { RpcLayer } from '../../rpc/handler.js';
import type { MonitorMirror } from '../ports.js';
import { PolicyBook } from '../policy/policies.js';
import { stateHandlers } from './handlers.js';
import { ApplianceTable } from './table.js';
import type { VmInfo } from './diff.js';

export type { VmInfo } from './diff.js';

/** A mirror that mirrors nothing (no --monitor-store). */
export const noMirror: MonitorMirror = {
  ops: () => [],
  kick: () => {},
  backlog: async () => 0,
  lastError: () => '',
  close: async () => {},
};

export interface MonitorStateDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  mirror?: MonitorMirror;
  commands?: AgentCommands;
  vmOf(vmId: string): Promise<VmInfo | undefined>;
  setTenant(setId: string): Promise<string | undefined>;
  /** Hosts to push desired state to when a policy changes (default none). */
  hostsFor?(scope: string): Iterable<string>;
  pushDesired?(hostId: string): void;
  /** Subscriptions (injected by the subs part): false once a VM's subscription ended. */
  active?(setId: string, tenant: string): boolean;
  flushMs?: number;
}

export async function startMonitorState(d: MonitorStateDeps) {
  const policies = new PolicyBook(d.store, d.clock);
  const table = new ApplianceTable({ ...d, mirror: d.mirror ?? noMirror, policies });
  await policies.load();
  await table.load();
  policies.gate = (vm) => table.isMonitored(vm.vmId) && (d.active?.(vm.setId, vm.tenant) ?? true);
  policies.onChange((scope) => {
    for (const h of d.hostsFor?.(scope) ?? []) d.pushDesired?.(h);
  });
  return {
    table,
    policies,
    handlers: (layer: RpcLayer) => stateHandlers(layer, { table, policies, setTenant: d.setTenant }),
    stop: () => table.stop(),
  };
}
