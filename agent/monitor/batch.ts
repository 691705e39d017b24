// Collects poll results into ApplianceReports: the newest changed state per VM
// in full, a mark for each VM polled without change. Flushed at most FLUSH_MS
// after the first result, split at the per-message caps.
import type { Clock, Timer } from '../../common/clock.js';
import type { ObservedAppliance } from '../../common/model/monitor.js';

export const FLUSH_MS = 250;
export const MAX_CHANGED = 500;
export const MAX_MARKS = 5000;

export interface PolledMark {
  vmId: string;
  timeUnixMs: number;
  polls: number;
}

export interface Report {
  changed: ObservedAppliance[];
  polled: PolledMark[];
  timeUnixMs: number;
}

export class ReportBatcher {
  private changed = new Map<string, ObservedAppliance>();
  private marks = new Map<string, PolledMark>();
  private timer?: Timer;

  constructor(
    private readonly clock: Clock,
    private readonly send: (r: Report) => void,
  ) {}

  add(a: ObservedAppliance, isChange: boolean): void {
    if (isChange) {
      this.changed.set(a.vmId, a);
      this.marks.delete(a.vmId);
    } else if (this.changed.has(a.vmId)) {
      // The pending change is the state; carry this poll's count with it.
      this.changed.set(a.vmId, { ...this.changed.get(a.vmId)!, polls: a.polls, timeUnixMs: a.timeUnixMs });
    } else this.marks.set(a.vmId, { vmId: a.vmId, timeUnixMs: a.timeUnixMs, polls: a.polls });
    this.timer ??= this.clock.setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Forgets a VM no longer monitored (its pending result is not sent). */
  drop(vmId: string): void {
    this.changed.delete(vmId);
    this.marks.delete(vmId);
  }

  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const changed = [...this.changed.values()];
    const marks = [...this.marks.values()];
    this.changed.clear();
    this.marks.clear();
    for (const r of split(changed, marks, this.clock.now())) this.send(r);
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}

/** Messages within MAX_CHANGED changed states and MAX_MARKS marks each. */
export function split(changed: ObservedAppliance[], marks: PolledMark[], now: number): Report[] {
  const out: Report[] = [];
  for (let c = 0, m = 0; c < changed.length || m < marks.length; c += MAX_CHANGED, m += MAX_MARKS)
    out.push({ changed: changed.slice(c, c + MAX_CHANGED), polled: marks.slice(m, m + MAX_MARKS), timeUnixMs: now });
  return out;
}
