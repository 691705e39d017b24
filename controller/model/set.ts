import type { Affinity, SetState, Sla, Strategy } from '../../common/model/enums.js';
import type { VmSpec } from './vm.js';

/** A validated instantiation request, defaults filled (stored inside the set). */
export interface SetRequest {
  name: string;
  tenant: string;
  spec: VmSpec;
  count: number;
  sla: Sla;
  startAtUnixMs: number;
  batchWindowS: number;
  durationS: number;
  endOnTask: boolean;
  group: string;
  labels: Record<string, string>;
  affinity: Affinity;
  /** Never empty once validated: the spec's scheme when the request named none. */
  schemePreference: string[];
  strategy: Strategy;
  /** Usage dimensions, inherited by the set's VMs (absent in records written before metering: ''). */
  app?: string;
  userGroup?: string;
}

/** A VM set as stored (collection `vm-sets`); counts are derived from its VMs when read. */
export interface SetRecord {
  id: string;
  tenant: string;
  request: SetRequest;
  state: SetState;
  stateReason: string;
  count: number;
  reasons: string[];
  createdUnixMs: number;
  startedUnixMs: number;
  expiresUnixMs: number;
  windowEndsUnixMs: number;
  retiredUnixMs: number;
  /** Next VM number in names (`<set>-<n>`), so scaled-up VMs never reuse a name. */
  nextIndex: number;
  /** Failed members replaced by fresh ones so far (absent in records written before replacement existed). */
  failedReplaced?: number;
}
