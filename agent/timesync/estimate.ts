// The controller's clock as the agent estimates it, from round trips: the
// agent sends (Hello, a heartbeat) at `sentMs`, the controller answers with its
// time, the answer arrives at `receivedMs` (both on the agent's clock). The
// controller read its clock somewhere in between, so the offset is known to
// within half the round trip (NTP's reasoning, without its filters).

export interface RoundTrip {
  sentMs: number;
  serverMs: number;
  receivedMs: number;
}

/** controller time ≈ agent time + offsetMs, within errorMs, as of the agent's time atMs. */
export interface Estimate {
  offsetMs: number;
  errorMs: number;
  atMs: number;
}

/** How fast an estimate goes stale: clocks drift up to ~100 ppm apart (8.6 s a day). */
export const DRIFT_PER_MS = 1e-4;
/** A round trip slower than this says little (a stalled stream, a paused process): not used. */
export const MAX_ROUND_TRIP_MS = 30_000;

/** The estimate one round trip gives, or undefined when it is unusable (no server time, time went backwards, too slow). */
export function estimateOf(rt: RoundTrip): Estimate | undefined {
  const { sentMs, serverMs, receivedMs } = rt;
  if (![sentMs, serverMs, receivedMs].every(Number.isFinite) || serverMs <= 0) return undefined;
  const rtt = receivedMs - sentMs;
  if (rtt < 0 || rtt > MAX_ROUND_TRIP_MS) return undefined;
  return { offsetMs: Math.round(serverMs - (sentMs + rtt / 2)), errorMs: rtt / 2, atMs: receivedMs };
}

/** An estimate's error by now: its round trip's, plus what the clocks may have drifted since. */
export function errorAt(e: Estimate, nowMs: number): number {
  return e.errorMs + Math.abs(nowMs - e.atMs) * DRIFT_PER_MS;
}

/**
 * The better of the current estimate and a new one: the new one when it is
 * tighter (counting the old one's drift), or when the two cannot both be right
 * (a clock was stepped: the newer word wins).
 */
export function refine(cur: Estimate | undefined, next: Estimate): Estimate {
  if (!cur) return next;
  const old = errorAt(cur, next.atMs);
  if (next.errorMs <= old) return next;
  if (Math.abs(next.offsetMs - cur.offsetMs) > old + next.errorMs) return next;
  return cur;
}
