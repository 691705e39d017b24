import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is calling and on behalf of which request; set by the RPC layer. */
export interface CallContext {
  rpc: string;
  actor: string; // token id or host id
  peer: string;
  requestId?: string;
}

export const callContext = new AsyncLocalStorage<CallContext>();

export const currentCall = (): CallContext | undefined => callContext.getStore();
