// The monitor's reports on the wire (ApplianceReport); one appliance's state
// converts as everywhere else, in common/grpc/convert-monitor.ts.
import type { ApplianceReport } from '../../common/gen/nephele/v1/ApplianceReport.js';
import { observedToProto } from '../../common/grpc/convert-monitor.js';
import type { Report } from './batch.js';

export function reportToProto(r: Report): ApplianceReport {
  return {
    changed: r.changed.map(observedToProto),
    polled: r.polled.map((m) => ({ vmId: m.vmId, timeUnixMs: m.timeUnixMs, polls: m.polls })),
    timeUnixMs: r.timeUnixMs,
  };
}
