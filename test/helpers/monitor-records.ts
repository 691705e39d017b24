// Records of the appliance monitor for tests: a state-table row and a policy with
// the proto's documented defaults, each overridable.
import type { ApplianceRecord, PolicyRecord } from '../../controller/model/monitor.js';
import { DEFAULT_POLICY } from './monitor-fakes.js';

export const VM_A = '01HZZZZZZZZZZZZZZZZZZZZZZA';

export function row(o: Partial<ApplianceRecord> = {}): ApplianceRecord {
  return {
    vmId: VM_A,
    vmName: 'a',
    setId: '',
    tenant: 'default',
    hostId: '01HZZZZZZZZZZZZZZZZZZZZZZH',
    applianceVersion: '1.0',
    configHash: '',
    appState: 'running',
    fault: '',
    processes: [],
    rogue: [],
    io: { diskReadBytes: 0, diskWriteBytes: 0, netRxBytes: 0, netTxBytes: 0 },
    probes: [],
    licence: { licenceId: '', seatsInUse: 0, seats: 0, expiresUnixMs: 0 },
    users: [],
    updatedUnixMs: 0,
    source: 'poll',
    lastPollUnixMs: 0,
    polls: 1,
    monitored: true,
    licenceProblem: '',
    ...o,
  };
}

export function policy(o: Partial<PolicyRecord> = {}): PolicyRecord {
  return structuredClone({ ...DEFAULT_POLICY, ...o });
}
