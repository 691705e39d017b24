// What reclassification's parts are built from (server.ts hands these over once).
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { EventLog } from '../events/log.js';
import type { SessionManager } from '../hosts/session.js';
import type { Planner } from '../planner/planner.js';
import type { Tenants } from '../tenancy/tenants.js';
import type { AgentCommands, ImageStore } from '../tokens/ports.js';
import type { ClientIdentity } from '../usage/push.js';
import type { UsageCapability } from '../usage/wire.js';
import type { VmRegistry } from '../vms/registry.js';

export interface ReclassConfig {
  /** --reclass-schedule: node-cron expression of scheduled Recommend runs over the fleet (unset = none). */
  schedule?: string;
  /** --reclass-webhook: an http(s) URL each recommendation is POSTed to (unset = none). */
  webhook?: string;
}

export interface ReclassDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  events: EventLog;
  planner: Planner;
  sessions: SessionManager;
  vms: VmRegistry;
  tenants: Tenants;
  /** Agent commands (read_manifest, configure for reassign, probe for health). */
  commands: AgentCommands;
  /** The image store (a new VM of the target class is cloned from the VM's image). */
  images: ImageStore;
  /** Usage: rate cards, peers (OfferTargets of peer controllers). */
  usage: UsageCapability;
  cfg: ReclassConfig;
  /** This controller's client certificate to peer controllers (OfferTargets of its usage peers). */
  peerIdentity?: () => ClientIdentity;
}
