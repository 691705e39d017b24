// The event log's collections and its retention index, shared by the log, its
// retention and the migration that builds the index.
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import { seqKey } from '../../common/ids.js';
import { put, type Op, type Store } from '../../common/store/index.js';

export const EVENTS = 'events';
export const EVENTS_BY_TENANT = 'events-by-tenant'; // `${tenant}/${seq}`: tenant views scan only their own
export const REQUESTS = 'requests';
/**
 * Retention index: `${class}/${ordinal}` → {seq, t, tenant}, one dense ordinal
 * per class (audit / other), so each cap and age is pruned by a range from the
 * oldest entry without reading the events or passing over kept ones.
 */
export const EVENTS_BY_CLASS = 'events-by-class';
export type EventClass = 'audit' | 'other';
export interface ClassEntry {
  seq: number;
  t: number;
  tenant?: string;
}
export const classKey = (cls: EventClass, ordinal: number): string => `${cls}/${seqKey(ordinal)}`;
/** The event counter in meta: last seq and last ordinal of each class, written with every append. */
export interface EventCounters {
  seq: number;
  audit: number;
  other: number;
}

/** Writes per store batch while building the index (and deletes per batch while pruning). */
export const INDEX_CHUNK = 1000;

/** Builds the retention index for events written before it existed (a migration; idempotent). */
export async function indexEventClasses(store: Store): Promise<void> {
  const n: EventCounters = { seq: 0, audit: 0, other: 0 };
  let ops: Op[] = [];
  for await (const { value: e } of store.scan<Event>(EVENTS)) {
    const cls: EventClass = e.audit ? 'audit' : 'other';
    const entry: ClassEntry = e.tenant
      ? { seq: e.seq, t: e.timeUnixMs, tenant: e.tenant }
      : { seq: e.seq, t: e.timeUnixMs };
    ops.push(put(EVENTS_BY_CLASS, classKey(cls, ++n[cls]), entry));
    n.seq = e.seq;
    if (ops.length === INDEX_CHUNK) {
      await store.batch(ops);
      ops = [];
    }
  }
  const meta = await store.get<{ seq: number }>('meta', 'event_seq');
  ops.push(put('meta', 'event_seq', { ...n, seq: Math.max(n.seq, meta?.value.seq ?? 0) }));
  await store.batch(ops);
}

/**
 * The last event sequence number the store holds. The counter is also kept in
 * meta (written with every append), so it never goes back even when retention
 * has deleted every event.
 */
export async function storedEventSeq(store: Store): Promise<number> {
  const last = await store.last<Event>(EVENTS);
  const meta = await store.get<{ seq: number }>('meta', 'event_seq');
  return Math.max(last ? Number(last.key) : 0, meta?.value.seq ?? 0);
}
