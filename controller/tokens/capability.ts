// The token capability assembled for server.ts: the image store (blobs,
// records, uploads, captures), agent commands and management instances on it,
// and the handlers of TokenService and of the agents' image calls.
import type { AgentServiceHandlers } from '../../common/gen/nephele/v1/AgentService.js';
import type { TokenServiceHandlers } from '../../common/gen/nephele/v1/TokenService.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { EventLog } from '../events/log.js';
import type { HostRegistry } from '../hosts/registry.js';
import type { SessionManager } from '../hosts/session.js';
import type { Planner } from '../planner/planner.js';
import type { ImageStore } from './ports.js';
import type { RpcLayer } from '../rpc/handler.js';
import type { Tenants } from '../tenancy/tenants.js';
import type { VmRegistry } from '../vms/registry.js';
import { imageServices, openImageStore } from '../images/index.js';
import { inspectApplianceTar } from '../../common/tar.js';
import { tokenHandlers } from './service.js';
import { cyclesOfSet } from './cycle/store.js';
import { cycleToProto } from './cycle/convert.js';
import { wireManagement, type ManagementWiring } from './wire.js';
import { wireCycles, type CycleWiring } from './cycle/wire.js';

export interface TokenCapabilityDeps {
  dataDir: string;
  store: Store;
  events: EventLog;
  clock: Clock;
  log: Logger;
  tenants: Tenants;
  vms: VmRegistry;
  hosts: HostRegistry;
  sessions: SessionManager;
  planner: Planner;
  /** The store space alarm: uploads are refused while it is raised. */
  alarm: () => Error | undefined;
}

export interface TokenCapability {
  management: ManagementWiring;
  /** The image store (reclassification clones a new VM of a target class from a VM's image). */
  images: ImageStore;
  /** Update cycles (stop() them on shutdown). */
  cycles: CycleWiring;
  /**
   * Fails the captures a previous run left in flight (they registered nothing), then resumes (or reverts)
   * the update cycles it left running; call once the planner runs.
   */
  recover(): Promise<void>;
  agentHandlers(layer: RpcLayer): Pick<AgentServiceHandlers, 'FetchImage' | 'PutImage'>;
  handlers(layer: RpcLayer): TokenServiceHandlers;
}

export async function startTokenCapability(d: TokenCapabilityDeps): Promise<TokenCapability> {
  const { store, events, clock, log, planner } = d;
  const parts = await openImageStore({
    dataDir: d.dataDir,
    store,
    events,
    clock,
    tenants: d.tenants,
    log,
    // A process image is checked at import as a clone's host checks it: a safe archive of the appliance layout only (no token, uid, handle).
    inspectTar: inspectApplianceTar,
  });
  const management = wireManagement({
    ...d,
    images: parts.images,
    cyclesOf: async (setId, imageId) =>
      (await cyclesOfSet(store, setId, imageId)).map(({ cycle, version }) => cycleToProto(cycle, version)),
  });
  const cycles = wireCycles({ store, events, clock, log, planner, vms: d.vms, mgmt: management.mgmt });
  // The image handlers of a layer, built once: the agents' part and TokenService's part come from one build.
  const built = new WeakMap<RpcLayer, ReturnType<typeof imageServices>>();
  const services = (layer: RpcLayer) => {
    let s = built.get(layer);
    if (!s) {
      s = imageServices(layer, {
        parts,
        store,
        events,
        clock,
        log,
        retireSet: (id, why, scope) => planner.retire(id, why, scope),
        alarm: d.alarm,
      });
      built.set(layer, s);
    }
    return s;
  };
  return {
    management,
    images: parts.images,
    cycles,
    async recover() {
      const abandoned = await management.mgmt.captures.recover();
      if (abandoned) log.warn({ captures: abandoned }, 'image captures failed by the restart');
      await cycles.resume();
    },
    agentHandlers: (layer) => services(layer).agent,
    handlers: (layer) =>
      tokenHandlers({
        management: management.handlers(layer),
        images: services(layer).token,
        cycles: cycles.handlers(layer),
      }),
  };
}
