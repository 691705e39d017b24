// In-memory stand-ins for the monitor's other parts (controller/monitor/ports.ts),
// for unit tests of one part: no mirror, an empty state table, one policy for every VM.
import { NotFoundError } from '../../common/errors.js';
import type { PolicyRecord } from '../../controller/model/monitor.js';
import type { MonitorMirror, Policies, StateTable } from '../../controller/monitor/ports.js';

export const noMirror: MonitorMirror = {
  ops: () => [],
  kick: () => {},
  backlog: async () => 0,
  lastError: () => '',
  close: async () => {},
};

/** No rows: nothing is polled, so the ladders never fire; manual actions still work. */
export const emptyStateTable: StateTable = {
  ingest: async () => {},
  get: () => {
    throw new NotFoundError('appliance');
  },
  list: () => ({ rows: [], next: '' }),
  onChange: () => () => {},
  setMonitored: async () => {},
  poll: async () => {
    throw new NotFoundError('appliance');
  },
};

/** The proto's documented defaults, for every VM. */
export const DEFAULT_POLICY: PolicyRecord = {
  scope: 'fleet',
  intervalS: 30,
  cron: '',
  jitterPct: 100,
  probes: [],
  thresholds: { failures: 1, windowS: 0 },
  rogue: [],
  licence: { maxSeats: 0, enforceExpiry: false },
  ladders: {
    faulted: [
      { step: 'restart_app', times: 3 },
      { step: 'reboot', times: 1 },
      { step: 'terminate', times: 1 },
    ],
    rogue: [
      { step: 'kill_process', times: 1 },
      { step: 'suspend', times: 1 },
    ],
    outdated: [{ step: 'update_app', times: 1 }],
    backoffS: 5,
  },
  desiredVersion: '',
  enabled: true,
  version: 0,
  updatedUnixMs: 0,
};

export const defaultPolicies: Policies = {
  effective: () => ({ policy: DEFAULT_POLICY, source: 'default' }),
  specFor: () => ({
    enabled: false,
    intervalMs: 0,
    cron: '',
    jitterPct: 0,
    probes: [],
    thresholds: { failures: 0, windowS: 0 },
    rogue: [],
  }),
  onChange: () => () => {},
};
