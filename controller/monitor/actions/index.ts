// The monitor's actions part (issue 14): the action log, the decide/act loop on
// the state table's changes, and the TakeControlAction / ListControlActions RPCs.
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import type { Store } from '../../../common/store/index.js';
import type { EventLog } from '../../events/log.js';
import type { RpcLayer } from '../../rpc/handler.js';
import type { AgentCommands } from '../../tokens/ports.js';
import type { ActionRecord } from '../../model/monitor.js';
import type { ActionHandlers } from '../service.js';
import type { MonitorMirror, Policies, StateTable } from '../ports.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, type VmControl } from './act.js';
import { actionHandlers } from './handlers.js';
import { StoredActionLog } from './log.js';
import { DecideLoop } from './loop.js';
import { getSet } from '../../planner/sets.js';

export { registryControl, type VmControl } from './act.js';
export { decide } from './decide.js';

export interface MonitorActionsDeps {
  store: Store;
  events: EventLog;
  mirror: MonitorMirror;
  clock: Clock;
  log: Logger;
  table: StateTable;
  policies: Policies;
  commands: AgentCommands;
  vms: VmControl;
  /** Default: a set whose spec has a base image (its VMs are clones: updated by the set's update cycle). */
  setUsesImages?: (setId: string) => Promise<boolean>;
  /** Rolls a new appliance version out to a set cloned from an image (its update cycle); default: skipped. */
  updateSet?: (setId: string, version: string) => Promise<string>;
  /** Metering seam (the subs helper's meterAction); default: not metered. */
  meterAction?: (a: ActionRecord) => Promise<void> | void;
  commandTimeoutMs?: number;
}

async function setHasBase(store: Store, setId: string): Promise<boolean> {
  try {
    return !!(await getSet(store, setId)).set.request.spec.base;
  } catch {
    return false; // the set is gone: the guest's app update is all there is
  }
}

export function startMonitorActions(d: MonitorActionsDeps): {
  log: StoredActionLog;
  loop: DecideLoop;
  handlers(layer: RpcLayer): ActionHandlers;
  stop(): void;
} {
  const log = new StoredActionLog(d.store, d.events, d.mirror, d.clock);
  const deps = {
    log,
    table: d.table,
    policies: d.policies,
    clock: d.clock,
    commands: d.commands,
    vms: d.vms,
    setUsesImages: d.setUsesImages ?? ((id: string) => setHasBase(d.store, id)),
    meterAction: d.meterAction ?? (() => {}),
    updateSet: d.updateSet,
    logger: d.log.child({ component: 'monitor-actions' }),
    commandTimeoutMs: d.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
  };
  const loop = new DecideLoop(deps);
  const off = d.table.onChange((c) => loop.onChange(c));
  return {
    log,
    loop,
    handlers: (layer) => actionHandlers(layer, deps),
    stop() {
      off();
      loop.stop();
    },
  };
}
