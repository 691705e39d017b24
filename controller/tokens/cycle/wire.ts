// Update cycles as server.ts builds them: the runner over the Management port
// and the planner, the Cycles service, and its handlers.
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import type { Store } from '../../../common/store/index.js';
import type { EventLog } from '../../events/log.js';
import type { Planner } from '../../planner/planner.js';
import type { RpcLayer } from '../../rpc/handler.js';
import type { VmRegistry } from '../../vms/registry.js';
import type { Management } from '../ports.js';
import { CycleRunner } from './act.js';
import { CycleService } from './cycles.js';
import { cycleHandlers, type CycleHandlers } from './handlers.js';
import { plannerSets } from './observe.js';

export interface CycleWiring {
  service: CycleService;
  runner: CycleRunner;
  /** After planner.start(): resumes the cycles the last controller left running. */
  resume(): Promise<void>;
  /** On shutdown, before the store closes. */
  stop(): void;
  handlers(layer: RpcLayer): CycleHandlers;
}

export function wireCycles(o: {
  store: Store;
  events: EventLog;
  clock: Clock;
  log: Logger;
  planner: Planner;
  vms: VmRegistry;
  mgmt: Management;
}): CycleWiring {
  const d = { ...o, sets: plannerSets(o.store, o.planner, o.vms) };
  const runner = new CycleRunner(d);
  const service = new CycleService(d, runner);
  return {
    service,
    runner,
    resume: () => service.resume(),
    stop: () => runner.stop(),
    handlers: (layer) => cycleHandlers(layer, { store: o.store, cycles: service }),
  };
}
