// What a subscription's ticker does next: a pure function of the record and
// now, so the order (warn → end → retire) and its resumption after a restart
// are tested with a fake clock. Each step is idempotent; the record's state is
// written only after the step's side effects, so a crash re-runs the step.
import type { SubscriptionRecord } from '../../model/monitor.js';

export type SubscriptionStep = 'activate' | 'warn' | 'end' | 'retire';

export const DEFAULT_GRACE_S = 3600;
export const DEFAULT_WARN_S = 86_400;

/** The step due at `now`, if any (one per tick: the next tick takes the next). */
export function dueStep(s: SubscriptionRecord, now: number): SubscriptionStep | undefined {
  switch (s.state) {
    case 'pending':
      return now >= s.startUnixMs ? 'activate' : undefined;
    case 'active':
      if (s.endUnixMs === 0) return undefined;
      if (now >= s.endUnixMs) return 'end';
      if (!s.warned && s.warnS > 0 && now >= s.endUnixMs - s.warnS * 1000) return 'warn';
      return undefined;
    case 'ended':
      return now >= s.endUnixMs + s.graceS * 1000 ? 'retire' : undefined;
    case 'retired':
      return undefined;
  }
}

/** The record after `step` (the caller stores it with the step's event). */
export function afterStep(s: SubscriptionRecord, step: SubscriptionStep, now: number): SubscriptionRecord {
  const next = { ...s, updatedUnixMs: now };
  if (step === 'activate') next.state = 'active';
  else if (step === 'warn') next.warned = true;
  else if (step === 'end') next.state = 'ended';
  else next.state = 'retired';
  return next;
}

/** The state a new or changed subscription starts in. */
export function initialState(startUnixMs: number, now: number): SubscriptionRecord['state'] {
  return startUnixMs > now ? 'pending' : 'active';
}

export const STEP_EVENTS: Record<SubscriptionStep, { type: string; message: string; severity: 'info' | 'warning' }> = {
  activate: { type: 'subscription.started', message: 'subscription started', severity: 'info' },
  warn: { type: 'subscription.warning', message: 'subscription ends soon', severity: 'warning' },
  end: {
    type: 'subscription.ended',
    message: 'subscription ended: its VMs are stopped and no longer monitored',
    severity: 'warning',
  },
  retire: { type: 'subscription.retired', message: 'subscription grace period over: set retired', severity: 'info' },
};
