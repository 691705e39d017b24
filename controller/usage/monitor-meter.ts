// Metering of the appliance monitor's control actions (issue 14): each action
// is a raw usage record of its VM (monitorActions = 1), so rollups, queries,
// exports and rate cards count it like any usage. Polls and probe seconds come
// from the agents' records (VmUsage monitor_polls / monitor_probe_seconds).
import { put, type Store } from '../../common/store/index.js';
import type { ActionRecord } from '../model/monitor.js';
import type { VmRecord } from '../model/index.js';
import { VMS } from '../vms/registry.js';
import { enrich } from './ingest.js';
import { dirtyKey, hourOf, rawKey, USAGE_DIRTY, USAGE_RAW, zeroMetrics, type UsageRecord } from './model.js';

/** The raw record of one action: a 1 ms interval at its start, keyed by the action id (a repeat overwrites itself). */
export function actionRecord(vm: VmRecord, a: ActionRecord): UsageRecord {
  const startUnixMs = a.createdUnixMs;
  const hostId = a.hostId || vm.hostId;
  // No compute of its own: every counter 0 but the action.
  const rec = enrich(hostId, vm, {
    ...zeroMetrics(),
    vmId: vm.id,
    startUnixMs,
    endUnixMs: startUnixMs + 1,
    sources: { monitor: 'action' },
  });
  return { ...rec, id: `${rec.id}.action.${a.id}`, monitorActions: 1 };
}

/** An action's record key: beside its VM's agent records of the same millisecond, never on one. */
export const actionKey = (r: UsageRecord, actionId: string): string => `${rawKey(r)}.action.${actionId}`;

/**
 * `meterAction(action)` for the decide/act loop: stores the action's usage
 * record and marks its hour for the rollup. An action of a VM no longer stored
 * is not metered (nothing to attribute it to).
 */
export function actionMeter(store: Store): (a: ActionRecord) => Promise<void> {
  return async (a) => {
    const vm = (await store.get<VmRecord>(VMS, a.vmId))?.value;
    if (!vm) return;
    const rec = actionRecord(vm, a);
    await store.batch([
      put(USAGE_RAW, actionKey(rec, a.id), rec),
      put(USAGE_DIRTY, dirtyKey(hourOf(rec.startUnixMs)), { markedUnixMs: a.createdUnixMs }),
    ]);
  };
}
