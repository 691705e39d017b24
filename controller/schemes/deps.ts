// What the scheme abstraction's parts are built from (server.ts hands these over once).
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { EventLog } from '../events/log.js';
import type { SessionManager } from '../hosts/session.js';
import type { Planner } from '../planner/planner.js';
import type { Tenants } from '../tenancy/tenants.js';
import type { AgentCommands, ImageStore } from '../tokens/ports.js';
import type { DiskTransfers } from '../vms/transfers.js';
import type { VmRegistry } from '../vms/registry.js';
import type { BusLimits } from './bus/core.js';

export interface SchemeDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  events: EventLog;
  planner: Planner;
  sessions: SessionManager;
  vms: VmRegistry;
  tenants: Tenants;
  /** One-off agent commands (AgentCommand over the session). */
  commands: AgentCommands;
  /** The image store (an imported disk may become an image its VM is cloned from). */
  images: ImageStore;
  /** Disk transfers between agents through the controller (cold moves: exportDisk/importDisk). */
  transfers: DiskTransfers;
  /** The controller's data dir: scratch space for disks being converted lives under it. */
  dataDir: string;
  /** The store space alarm (raised: uploads that land in the data dir are refused, as UploadImage's). */
  alarm?: () => Error | undefined;
  /** The messaging bus's bounds (tests make them small); absent: DEFAULT_BUS_LIMITS. */
  busLimits?: BusLimits;
}
