// In-memory stand-ins for the monitor's other parts (controller/monitor/ports.ts),
// for unit tests of one part: no mirror, an empty state table, one policy for every VM.
import { NotFoundError } from '../../common/errors.js';
import type { PolicyRecord } from '../../controller/model/monitor.js';
import { defaultPolicy } from '../../controller/monitor/policy/validate.js';
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

/** The defaults, enabled, for every VM (tests of the ladders need them on). */
export const DEFAULT_POLICY: PolicyRecord = {
  ...defaultPolicy(),
  scope: 'fleet',
  thresholds: { failures: 1, windowS: 0 },
  enabled: true,
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
