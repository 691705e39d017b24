// Records of the appliance monitor for tests: a state-table row and a policy with
// the proto's documented defaults, each overridable.
import type { ApplianceRecord, PolicyRecord } from '../../controller/model/monitor.js';
import { DEFAULT_POLICY } from './monitor-fakes.js';
import { emptyRow } from '../../controller/monitor/state/diff.js';

export const VM_A = '01HZZZZZZZZZZZZZZZZZZZZZZA';

export function row(o: Partial<ApplianceRecord> = {}): ApplianceRecord {
  const vm = { vmId: VM_A, name: 'a', setId: '', tenant: 'default', hostId: '01HZZZZZZZZZZZZZZZZZZZZZZH' };
  return { ...emptyRow(vm), applianceVersion: '1.0', appState: 'running', polls: 1, ...o };
}

export function policy(o: Partial<PolicyRecord> = {}): PolicyRecord {
  return structuredClone({ ...DEFAULT_POLICY, ...o });
}
