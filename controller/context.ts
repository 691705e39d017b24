import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is calling and on behalf of which request; set by the RPC layer. */
export interface CallContext {
  rpc: string;
  actor: string; // token id or host id
  peer: string;
  requestId?: string;
  /** Tenant of the caller ("" = system); events it causes belong to it by default. */
  tenant?: string;
  /** Set for mutating calls: the first commit carries the audit record in its batch. */
  audit?: { pending: boolean; attributes: Record<string, string> };
}

export const callContext = new AsyncLocalStorage<CallContext>();

export const currentCall = (): CallContext | undefined => callContext.getStore();
