import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../common/clock.js';

/** Who is calling and on behalf of which request; set by the RPC layer. */
export interface CallContext {
  rpc: string;
  actor: string; // token id or host id
  peer: string;
  /** Set only for authenticated callers: a request_id belongs to its principal (actor) and RPC. */
  requestId?: string;
  /** Hash of the request body without its request_id: a reuse with another body is refused. */
  requestHash?: string;
  /** The request record was written (it goes with the call's first change that names a ref, once). */
  requestRecorded?: boolean;
  /** Tenant of the caller ("" = system); events it causes belong to it by default. */
  tenant?: string;
  /** Set for mutating calls: the first commit carries the audit record in its batch. */
  audit?: { pending: boolean; attributes: Record<string, string> };
}

export const callContext = new AsyncLocalStorage<CallContext>();

export const currentCall = (): CallContext | undefined => callContext.getStore();

/** `fn`, run outside any call: work it defers is nobody's request (no request record, audit or actor of a caller). */
export function outsideCall<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => R {
  return (...a) => callContext.exit(() => fn(...a));
}

/**
 * The controller's clock: timers armed during a call (a set's start, expiry or
 * batch window, retries) fire outside that call's context, so their later
 * commits are not taken for the call's own.
 */
export function detachedClock(clock: Clock): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (fn, ms) => clock.setTimeout(outsideCall(fn), ms),
    setInterval: (fn, ms) => clock.setInterval(outsideCall(fn), ms),
  };
}
