import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import type { EventFilter__Output as EventFilter } from '../../common/gen/nephele/v1/EventFilter.js';
import { seqKey } from '../../common/ids.js';
import { Mutex, put, absent, type Op, type Precondition, type Store } from '../../common/store/index.js';
import type { Clock, Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { currentCall, type CallContext } from '../context.js';

export type { Event, EventFilter };

export const EVENTS = 'events';
export const EVENTS_BY_TENANT = 'events-by-tenant'; // `${tenant}/${seq}`: tenant views scan only their own
export const REQUESTS = 'requests';

/** Changes written together at most (one LevelDB batch). */
const MAX_GROUP = 256;

interface Pending {
  change: Change;
  call: CallContext | undefined;
  newEvents: NewEvent[];
  resolve: (versions: Map<string, number>) => void;
  reject: (e: unknown) => void;
}

export interface NewEvent {
  type: string;
  message: string;
  severity?: 'info' | 'warning' | 'error';
  hostId?: string;
  actor?: string;
  audit?: boolean;
  attributes?: Record<string, string>;
  tenant?: string;
}

export interface Change {
  ops?: Op[];
  preconditions?: Precondition[];
  events?: NewEvent[];
  /** The entity a mutating RPC acted on; recorded against its request_id for replays. */
  ref?: string;
}

export interface Retention {
  maxAgeMs: number;
  maxCount: number;
  auditMaxAgeMs: number;
  requestTtlMs: number;
}

export const DEFAULT_RETENTION: Retention = {
  maxAgeMs: 30 * 86_400_000,
  maxCount: 1_000_000,
  auditMaxAgeMs: 365 * 86_400_000,
  requestTtlMs: 86_400_000,
};

export function matches(e: Event, f: Partial<EventFilter> | null | undefined): boolean {
  if (!f) return true;
  if (f.typePrefix && !e.type.startsWith(f.typePrefix)) return false;
  if (f.hostId && e.hostId !== f.hostId) return false;
  if (f.auditOnly && !e.audit) return false;
  if (f.tenant && e.tenant !== f.tenant) return false;
  return true;
}

/**
 * The event log and the one way state changes are written: a Change's ops and
 * its events go into the store in one atomic batch, and the events get dense,
 * monotonic sequence numbers. Watchers hear of events only once they are durable.
 */
export class EventLog {
  private seq = 0;
  private readonly lock = new Mutex();
  private readonly watchers = new Set<(e: Event) => void>();
  private pruneTimer?: Timer;

  private constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly retention: Retention,
  ) {}

  static async open(store: Store, clock: Clock, log: Logger, retention: Retention = DEFAULT_RETENTION): Promise<EventLog> {
    const el = new EventLog(store, clock, log, retention);
    el.seq = await storedEventSeq(store);
    return el;
  }

  /** Decides, before anything is written, whether a change may be (the store space alarm). */
  private admit?: (call: CallContext | undefined) => Error | undefined;

  setAdmission(fn: (call: CallContext | undefined) => Error | undefined): void {
    this.admit = fn;
  }

  lastSeq(): number {
    return this.seq;
  }

  private pending: Pending[] = [];
  private flushing = false;

  /**
   * Writes the change atomically; returns the new versions of written keys.
   * Changes that arrive while a write is in flight are group-committed: their
   * preconditions are checked one after another (as if written in turn), the
   * ones that hold go into one LevelDB batch, the others fail alone with
   * ABORTED, exactly as they would have one by one.
   */
  commit(change: Change): Promise<Map<string, number>> {
    // The call context (audit, request_id) is the caller's: take it now, not when the group is written.
    const call = currentCall();
    const refused = this.admit?.(call);
    if (refused) return Promise.reject(refused);
    const newEvents = [...(change.events ?? [])];
    // A mutating call's audit record lands in the same batch as its change.
    if (call?.audit?.pending) newEvents.push(auditEvent(call, 'OK'));
    return new Promise((resolve, reject) => {
      this.pending.push({ change, call, newEvents, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length) {
        const group = this.pending.splice(0, MAX_GROUP);
        await this.lock.run(() => (group.length === 1 ? this.commitOne(group[0]!) : this.commitGroup(group)));
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The change's own ops and preconditions, with its request_id record. */
  private baseOf(p: Pending, now: number): { ops: Op[]; pre: Precondition[] } {
    const ops: Op[] = [...(p.change.ops ?? [])];
    const pre = [...(p.change.preconditions ?? [])];
    if (p.change.ref !== undefined && p.call?.requestId) {
      const key = requestKey(p.call.rpc, p.call.requestId);
      ops.push(put(REQUESTS, key, { ref: p.change.ref, atUnixMs: now }));
      pre.push(absent(REQUESTS, key));
    }
    return { ops, pre };
  }

  /** Numbers a change's events from `first` and adds their records to `ops`. */
  private eventsOf(p: Pending, first: number, now: number, ops: Op[]): Event[] {
    const events: Event[] = p.newEvents.map((e, i) => ({
      seq: first + i,
      timeUnixMs: now,
      type: e.type,
      severity: e.severity ?? 'info',
      message: e.message,
      hostId: e.hostId ?? '',
      actor: e.actor ?? p.call?.actor ?? '',
      audit: e.audit ?? false,
      attributes: e.attributes ?? {},
      tenant: e.tenant ?? p.call?.tenant ?? '',
    }));
    for (const e of events) {
      ops.push(put(EVENTS, seqKey(e.seq), e));
      if (e.tenant) ops.push(put(EVENTS_BY_TENANT, `${e.tenant}/${seqKey(e.seq)}`, 1));
    }
    return events;
  }

  private published(p: Pending, events: Event[]): void {
    if (p.call?.audit?.pending) p.call.audit.pending = false;
    for (const e of events) {
      this.log.info({ event_type: e.type, seq: e.seq, host_id: e.hostId || undefined, ...e.attributes }, e.message);
      for (const w of this.watchers) w(e);
    }
  }

  private async commitOne(p: Pending): Promise<void> {
    try {
      const now = this.clock.now();
      const { ops, pre } = this.baseOf(p, now);
      const events = this.eventsOf(p, this.seq + 1, now, ops);
      if (events.length) ops.push(put('meta', 'event_seq', { seq: this.seq + events.length }));
      const versions = await this.store.batch(ops, pre);
      this.seq += events.length;
      this.published(p, events);
      p.resolve(versions);
    } catch (e) {
      p.reject(e);
    }
  }

  /** Group commit, done by the store in one pass: one read of versions, one write. */
  private async commitGroup(group: Pending[]): Promise<void> {
    const now = this.clock.now();
    const bases = group.map((p) => this.baseOf(p, now));
    const events: Event[][] = [];
    let seq = this.seq;
    let results: (Map<string, number> | Error)[];
    try {
      results = await this.store.batchGroup(bases, (accepted) => {
        const ops: Op[] = [];
        seq = this.seq;
        group.forEach((p, i) => {
          const evs = accepted[i] ? this.eventsOf(p, seq + 1, now, ops) : [];
          seq += evs.length;
          events.push(evs);
        });
        if (seq > this.seq) ops.push(put('meta', 'event_seq', { seq }));
        return ops;
      });
    } catch (e) {
      for (const p of group) p.reject(e);
      return;
    }
    this.seq = seq;
    group.forEach((p, i) => {
      const r = results[i]!;
      if (r instanceof Error) return p.reject(r);
      this.published(p, events[i]!);
      p.resolve(r);
    });
  }

  append(...events: NewEvent[]): Promise<Map<string, number>> {
    return this.commit({ events });
  }

  async list(sinceSeq: number, limit: number, filter?: Partial<EventFilter> | null): Promise<{ events: Event[]; more: boolean }> {
    const out: Event[] = [];
    for await (const value of this.scanFrom(sinceSeq, filter?.tenant || undefined)) {
      if (!matches(value, filter)) continue;
      if (out.length === limit) return { events: out, more: true };
      out.push(value);
    }
    return { events: out, more: false };
  }

  /** Events after `sinceSeq`; with a tenant, only that tenant's, read through its index. */
  async *scanFrom(sinceSeq: number, tenant?: string): AsyncIterable<Event> {
    if (!tenant) {
      for await (const { value } of this.store.scan<Event>(EVENTS, { gt: seqKey(sinceSeq) })) yield value;
      return;
    }
    const prefix = `${tenant}/`;
    let batch: string[] = [];
    const flush = async function* (store: Store, keys: string[]) {
      for (const r of await store.getMany<Event>(EVENTS, keys)) if (r) yield r.value;
    };
    for await (const { key } of this.store.scan(EVENTS_BY_TENANT, { prefix, gt: prefix + seqKey(sinceSeq) })) {
      batch.push(key.slice(prefix.length));
      if (batch.length === 256) {
        yield* flush(this.store, batch);
        batch = [];
      }
    }
    yield* flush(this.store, batch);
  }

  /** Live events as they become durable. Returns an unsubscribe function. */
  subscribe(fn: (e: Event) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  startRetention(everyMs = 10 * 60_000): void {
    this.pruneTimer = this.clock.setInterval(() => {
      this.prune().catch((err) => this.log.warn({ err }, 'event retention failed'));
    }, everyMs);
  }

  stop(): void {
    this.pruneTimer?.cancel();
  }

  /** Deletes events past their age or beyond the count; audit events are kept longer. */
  async prune(): Promise<number> {
    const now = this.clock.now();
    const r = this.retention;
    const firstKept = Math.max(0, this.seq - r.maxCount);
    const dels: Op[] = [];
    for await (const { key, value } of this.store.scan<Event>(EVENTS)) {
      const age = now - value.timeUnixMs;
      const old = value.audit ? age > r.auditMaxAgeMs : age > r.maxAgeMs || value.seq <= firstKept;
      if (old) {
        dels.push({ type: 'del', coll: EVENTS, key });
        if (value.tenant) dels.push({ type: 'del', coll: EVENTS_BY_TENANT, key: `${value.tenant}/${key}` });
      }
      else if (age <= Math.min(r.maxAgeMs, r.auditMaxAgeMs) && value.seq > firstKept) break;
      if (dels.length >= 5000) break;
    }
    for await (const { key, value } of this.store.scan<{ atUnixMs: number }>(REQUESTS)) {
      if (now - value.atUnixMs > r.requestTtlMs) dels.push({ type: 'del', coll: REQUESTS, key });
    }
    if (dels.length) await this.store.batch(dels);
    return dels.length;
  }
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

/** The audit record of a call: who, what, outcome, from where. */
export function auditEvent(call: CallContext, outcome: string): NewEvent {
  return {
    type: 'audit.call',
    severity: outcome === 'OK' ? 'info' : 'warning',
    message: `${call.rpc} ${outcome === 'OK' ? 'succeeded' : `refused: ${outcome}`}`,
    audit: true,
    actor: call.actor,
    tenant: call.tenant ?? '',
    attributes: { ...(call.audit?.attributes ?? {}), rpc: call.rpc, outcome, peer: call.peer },
  };
}

export function requestKey(rpc: string, requestId: string): string {
  return `${rpc}/${requestId}`;
}
