// SetSubscription's input checked (scope, times, periods). The proto <-> record
// conversion is common/grpc/convert-monitor.ts's.
import type { Subscription__Output } from '../../../common/gen/nephele/v1/Subscription.js';
import { InvalidArgumentError } from '../../../common/errors.js';
import { requireId, requireName } from '../../../common/validate.js';
import { DEFAULT_GRACE_S, DEFAULT_WARN_S } from './decide.js';

export { subscriptionToProto } from '../../../common/grpc/convert-monitor.js';

/** "set:<id>" or "tenant:<name>". */
export type SubScope = { kind: 'set'; id: string } | { kind: 'tenant'; name: string };

export function parseScope(field: string, v: unknown): { scope: string; parsed: SubScope } {
  const s = typeof v === 'string' ? v : '';
  const i = s.indexOf(':');
  const kind = i < 0 ? '' : s.slice(0, i);
  if (kind === 'set') {
    const id = requireId(field, s.slice(i + 1));
    return { scope: `set:${id}`, parsed: { kind: 'set', id } };
  }
  if (kind === 'tenant') {
    const name = requireName(field, s.slice(i + 1));
    return { scope: `tenant:${name}`, parsed: { kind: 'tenant', name } };
  }
  throw new InvalidArgumentError(field, 'must be "set:<set id>" or "tenant:<name>"');
}

/** A subscription event's attributes: a set's carries set_id, so the set's history (`events --set`) shows it. */
export function scopeAttributes(scope: string): Record<string, string> {
  const { parsed } = parseScope('scope', scope);
  return parsed.kind === 'set' ? { scope, set_id: parsed.id } : { scope };
}

/** Longest grace or warning period (a year): longer is a typo, not a plan. */
export const MAX_PERIOD_S = 366 * 86_400;
/** Dates after 9999-12-31 are not dates. */
const MAX_UNIX_MS = 253_402_300_799_000;

function unixMs(field: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0 || v > MAX_UNIX_MS)
    throw new InvalidArgumentError(field, 'must be a time in unix milliseconds (0 = unset)');
  return v;
}
function period(field: string, v: number, dflt: number): number {
  if (!Number.isSafeInteger(v) || v < 0 || v > MAX_PERIOD_S)
    throw new InvalidArgumentError(field, `must be between 0 and ${MAX_PERIOD_S} seconds (0 = default)`);
  return v || dflt;
}

/** What a SetSubscription asks for, validated (state, version and times of change are ours). */
export interface SubscriptionInput {
  scope: string;
  parsed: SubScope;
  startUnixMs: number;
  endUnixMs: number;
  graceS: number;
  warnS: number;
}

export function subscriptionFromProto(p: Subscription__Output | null | undefined, now: number): SubscriptionInput {
  if (!p) throw new InvalidArgumentError('subscription', 'is required');
  const { scope, parsed } = parseScope('subscription.scope', p.scope);
  const start = unixMs('subscription.start_unix_ms', Number(p.startUnixMs ?? 0));
  const end = unixMs('subscription.end_unix_ms', Number(p.endUnixMs ?? 0));
  const startUnixMs = start || now;
  if (end !== 0 && end <= startUnixMs)
    throw new InvalidArgumentError('subscription.end_unix_ms', 'must be after the start (0 = open-ended)');
  return {
    scope,
    parsed,
    startUnixMs,
    endUnixMs: end,
    graceS: period('subscription.grace_s', Number(p.graceS ?? 0), DEFAULT_GRACE_S),
    warnS: period('subscription.warn_s', Number(p.warnS ?? 0), DEFAULT_WARN_S),
  };
}
