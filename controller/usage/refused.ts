import type { UsageBatch__Output as UsageBatch } from '../../common/gen/nephele/v1/UsageBatch.js';
import { del, putFresh, type Op, type Store } from '../../common/store/index.js';
import type { NewEvent } from '../events/log.js';
import { pad13 } from './model.js';

// A usage batch the controller refuses (a record fails its checks: a time far
// in its future, a number that is no number) is still the agent's only copy:
// once its seq is acked (or a later one's is) the agent drops it. So it is
// kept here as received, with the reason, in the same write as its ack, and an
// event says so; an operator can read it back (or fix the agent and re-import).

export const USAGE_REFUSED = 'usage-refused';
/** Refused batches kept per host: the newest; a host that only sends garbage cannot fill the store. */
export const MAX_REFUSED_PER_HOST = 32;

export interface RefusedBatch {
  hostId: string;
  seq: number;
  epoch: string;
  reason: string;
  refusedUnixMs: number;
  /** The batch's time on the agent's clock (against refusedUnixMs: how far off that clock is). */
  agentTimeUnixMs: number;
  /** The records as they came (numbers that JSON cannot hold are stored as null). */
  records: UsageBatch['records'];
}

export const refusedKey = (hostId: string, seq: number): string => `${hostId}.${pad13(seq)}`;

/** The event that makes a refusal visible (with the counter in metrics). */
export function refusedEvent(r: Pick<RefusedBatch, 'hostId' | 'seq' | 'reason' | 'records'>, kept: boolean): NewEvent {
  return {
    type: 'usage.batch_refused',
    severity: 'warning',
    message: kept ? 'usage batch refused and kept aside' : 'usage batch refused',
    hostId: r.hostId,
    actor: r.hostId,
    attributes: {
      seq: String(r.seq),
      reason: r.reason.slice(0, 256),
      records: String(r.records?.length ?? 0),
      kept: String(kept),
    },
  };
}

/** The writes that keep a refused batch, dropping the host's oldest beyond MAX_REFUSED_PER_HOST. */
export async function refusedOps(store: Store, r: RefusedBatch): Promise<Op[]> {
  const keys: string[] = [];
  for await (const { key } of store.scan(USAGE_REFUSED, { prefix: `${r.hostId}.`, limit: MAX_REFUSED_PER_HOST }))
    keys.push(key);
  const over = keys.length - MAX_REFUSED_PER_HOST + 1;
  return [
    ...keys.slice(0, Math.max(0, over)).map((k) => del(USAGE_REFUSED, k)),
    putFresh(USAGE_REFUSED, refusedKey(r.hostId, r.seq), r),
  ];
}
