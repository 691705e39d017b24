import type { VmRecord, VmSpec } from '../model/index.js';

/** A VM just placed on a host: desired running, pending until the host reports it. */
export function newVmRecord(o: {
  id: string;
  name: string;
  tenant: string;
  hostId: string;
  spec: VmSpec;
  now: number;
  setId: string;
  sla: VmRecord['sla'];
  reason: string;
  /** Usage dimensions: the set's (or CreateVm's); absent when not given. */
  app?: string;
  userGroup?: string;
}): VmRecord {
  return {
    id: o.id,
    name: o.name,
    tenant: o.tenant,
    hostId: o.hostId,
    spec: o.spec,
    desired: 'running',
    state: 'pending',
    stateReason: o.reason,
    stateChangedUnixMs: o.now,
    createdUnixMs: o.now,
    generation: 1,
    rebootCount: 0,
    hostPort: 0,
    guestReady: false,
    setId: o.setId,
    sla: o.sla,
    placedUnixMs: o.now,
    confirmedUnixMs: 0,
    placementAttempts: 1,
    taskDone: false,
    ...(o.app ? { app: o.app } : {}),
    ...(o.userGroup ? { userGroup: o.userGroup } : {}),
  };
}
