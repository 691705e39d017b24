// The management capability as server.ts builds it: agent commands over the
// sessions, the Management port, and its handlers.
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { EventLog } from '../events/log.js';
import type { HostRegistry } from '../hosts/registry.js';
import type { SessionManager } from '../hosts/session.js';
import type { Planner } from '../planner/planner.js';
import type { RpcLayer } from '../rpc/handler.js';
import type { VmRegistry } from '../vms/registry.js';
import type { SetRequest } from '../model/index.js';
import { AgentCommandHub } from './commands.js';
import { ManagementService } from './service-impl.js';
import { managementHandlers, type ManagementHandlers } from './handlers.js';
import { resolveBase } from './clones.js';
import type { ImageStore, Scope } from './ports.js';
import type { TableDeps } from './table.js';

export interface ManagementWiring {
  commands: AgentCommandHub;
  mgmt: ManagementService;
  /** For CreateVmSet/ScaleVmSet: a spec naming an image id gets its base (revoked: refused). */
  resolveBase(spec: SetRequest['spec'], scope: Scope, field: string): Promise<SetRequest['spec']>;
  /** For CreateVm: the same, the VM's tenant as the scope (a tenant clones only its own images). */
  resolveVmSpec<S extends { image: string }>(spec: S, tenant: string): Promise<S>;
  handlers(layer: RpcLayer): ManagementHandlers;
}

export function wireManagement(o: {
  store: Store;
  events: EventLog;
  clock: Clock;
  log: Logger;
  vms: VmRegistry;
  hosts: HostRegistry;
  sessions: SessionManager;
  planner: Planner;
  images: ImageStore;
  /** A set's update cycles for its configuration table (controller/tokens/cycle). */
  cyclesOf?: TableDeps['cyclesOf'];
}): ManagementWiring {
  const commands = new AgentCommandHub((id, m) => o.sessions.sendTo(id, m), o.clock);
  o.sessions.commands = commands;
  const push = (id: string) => o.sessions.pushDesired(id);
  const mgmt = new ManagementService({ ...o, commands, push, createSet: (req, t) => o.planner.create(req, t) });
  return {
    commands,
    mgmt,
    resolveBase: (spec, scope, field) => resolveBase(o.images, spec, scope, field),
    resolveVmSpec: async (spec, tenant) =>
      (await resolveBase(o.images, spec as unknown as SetRequest['spec'], tenant, 'spec')) as unknown as typeof spec,
    handlers: (layer) => managementHandlers(layer, { ...o, mgmt }),
  };
}
