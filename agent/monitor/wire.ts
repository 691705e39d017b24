// The monitor's results on the wire (ApplianceState / ApplianceReport). The
// controller side converts in common/grpc/convert-monitor.ts; the agent only
// ever sends, so only this direction is here.
import type { ApplianceReport } from '../../common/gen/nephele/v1/ApplianceReport.js';
import type { ApplianceState } from '../../common/gen/nephele/v1/ApplianceState.js';
import type { AppState, ObservedAppliance, UpdateSource } from '../../common/model/monitor.js';
import type { Report } from './batch.js';

const APP_STATE = {
  unknown: 'APP_STATE_UNSPECIFIED',
  running: 'APP_STATE_RUNNING',
  faulted: 'APP_STATE_FAULTED',
  stopped: 'APP_STATE_STOPPED',
} as const satisfies Record<AppState, string>;

const SOURCE = {
  poll: 'UPDATE_SOURCE_POLL',
  event: 'UPDATE_SOURCE_EVENT',
  push: 'UPDATE_SOURCE_PUSH',
} as const satisfies Record<UpdateSource, string>;

export function applianceStateToProto(a: ObservedAppliance): ApplianceState {
  return {
    vmId: a.vmId,
    applianceVersion: a.applianceVersion,
    configHash: a.configHash,
    appState: APP_STATE[a.appState],
    fault: a.fault,
    processes: a.processes,
    rogue: a.rogue,
    io: a.io,
    probes: a.probes,
    licence: a.licence,
    users: a.users,
    timeUnixMs: a.timeUnixMs,
    source: SOURCE[a.source],
    trigger: a.trigger,
    polls: a.polls,
    generation: a.generation,
  };
}

export function reportToProto(r: Report): ApplianceReport {
  return {
    changed: r.changed.map(applianceStateToProto),
    polled: r.polled.map((m) => ({ vmId: m.vmId, timeUnixMs: m.timeUnixMs, polls: m.polls })),
    timeUnixMs: r.timeUnixMs,
  };
}
