import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import type { EventFilter__Output as EventFilter } from '../../common/gen/nephele/v1/EventFilter.js';
import { seqKey } from '../../common/ids.js';
import {
  Mutex,
  put,
  putFresh,
  absent,
  isConflict,
  type Op,
  type Precondition,
  type Store,
} from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import { severityLevel, type Logger } from '../../common/logger.js';
import { currentCall, type CallContext } from '../context.js';
import {
  classKey,
  EVENTS,
  EVENTS_BY_CLASS,
  EVENTS_BY_TENANT,
  REQUESTS,
  storedEventSeq,
  type ClassEntry,
  type EventClass,
  type EventCounters,
} from './schema.js';
import { DEFAULT_RETENTION, EventRetention, type Retention } from './retention.js';

export type { Event, EventFilter };
export {
  classKey,
  EVENTS,
  EVENTS_BY_CLASS,
  EVENTS_BY_TENANT,
  indexEventClasses,
  REQUESTS,
  storedEventSeq,
  type ClassEntry,
  type EventClass,
  type EventCounters,
} from './schema.js';
export { DEFAULT_RETENTION, type Retention } from './retention.js';

/** Changes written together at most (one LevelDB batch). */
const MAX_GROUP = 256;

const NO_EVENTS: readonly NewEvent[] = [];

interface Pending {
  change: Change;
  call: CallContext | undefined;
  newEvents: readonly NewEvent[];
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

/** Entries one page of a listing or a watch replay may read, matching or not. */
export const MAX_SCAN = 10_000;

export function matches(e: Event, f: Partial<EventFilter> | null | undefined): boolean {
  if (!f) return true;
  if (f.typePrefix && !e.type.startsWith(f.typePrefix)) return false;
  if (f.hostId && e.hostId !== f.hostId && !names(e, 'host_id', f.hostId)) return false;
  if (f.auditOnly && !e.audit) return false;
  if (f.tenant && e.tenant !== f.tenant) return false;
  if (f.vmId && !names(e, 'vm_id', f.vmId)) return false;
  if (f.setId && !names(e, 'set_id', f.setId)) return false;
  return true;
}

/** The event is about this object: it carries its id, or is the audit record of a call that targeted it. */
function names(e: Event, attr: string, id: string): boolean {
  return e.attributes[attr] === id || e.attributes[`target_${attr}`] === id;
}

/**
 * The event log and the one way state changes are written: a Change's ops and
 * its events go into the store in one atomic batch, and the events get dense,
 * monotonic sequence numbers. Watchers hear of events only once they are durable.
 */
export class EventLog {
  private seq = 0;
  /** Last ordinal of each class in the retention index. */
  private ord = { audit: 0, other: 0 };
  private readonly lock = new Mutex();
  private readonly watchers = new Set<(e: Event) => void>();
  /** How many events each watch holds waiting for its client (metrics). */
  private readonly backlogs = new Set<() => number>();
  /** Running totals for metrics: events written, and commits the store failed (not precondition conflicts). */
  readonly stats = { appended: 0, writeErrors: 0 };
  private readonly retention: EventRetention;

  private constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    retention: Retention,
  ) {
    this.retention = new EventRetention(store, clock, log, retention, (cls) => this.ord[cls]);
  }

  static async open(
    store: Store,
    clock: Clock,
    log: Logger,
    retention: Retention = DEFAULT_RETENTION,
  ): Promise<EventLog> {
    const el = new EventLog(store, clock, log, retention);
    el.seq = await storedEventSeq(store);
    const meta = await store.get<Partial<EventCounters>>('meta', 'event_seq');
    // The index's own last ordinal too: a store that lost its meta record (an accepted
    // loss) must not hand out ordinals again and overwrite index entries still in use.
    const lastOrd = async (cls: EventClass) => {
      const e = await store.last(EVENTS_BY_CLASS, { prefix: `${cls}/` });
      return e ? Number(e.key.slice(cls.length + 1)) : 0;
    };
    el.ord = {
      audit: Math.max(meta?.value.audit ?? 0, await lastOrd('audit')),
      other: Math.max(meta?.value.other ?? 0, await lastOrd('other')),
    };
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
    // A mutating call's audit record lands in the same batch as its change.
    const newEvents = call?.audit?.pending
      ? [...(change.events ?? []), auditEvent(call, 'OK')]
      : (change.events ?? NO_EVENTS);
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

  /** The change's own ops and preconditions, with its request_id record (once per call); the caller's arrays when they are all. */
  private baseOf(p: Pending, now: number): { ops: Op[]; pre: Precondition[] } {
    const ops = p.change.ops ?? [];
    const pre = p.change.preconditions ?? [];
    if (p.change.ref !== undefined && p.call?.requestId && !p.call.requestRecorded) {
      const key = requestKey(p.call.actor, p.call.rpc, p.call.requestId);
      const rec: RequestRecord = { ref: p.change.ref, atUnixMs: now, bodyHash: p.call.requestHash ?? '' };
      return { ops: [...ops, put(REQUESTS, key, rec)], pre: [...pre, absent(REQUESTS, key)] };
    }
    return { ops, pre };
  }

  private counters(): EventCounters {
    return { seq: this.seq, ...this.ord };
  }

  private advance(n: EventCounters, written: number): void {
    this.seq = n.seq;
    this.ord = { audit: n.audit, other: n.other };
    this.stats.appended += written;
    this.retention.written(written);
  }

  /** Numbers a change's events on from `n` (advancing it) and adds their records to `ops`. */
  private eventsOf(p: Pending, n: EventCounters, now: number, ops: Op[]): Event[] {
    const events: Event[] = p.newEvents.map((e) => ({
      seq: ++n.seq,
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
    // Appends keyed by sequence numbers that only grow: fresh keys, no version read.
    for (const e of events) {
      ops.push(putFresh(EVENTS, seqKey(e.seq), e));
      if (e.tenant) ops.push(putFresh(EVENTS_BY_TENANT, `${e.tenant}/${seqKey(e.seq)}`, 1));
      const cls: EventClass = e.audit ? 'audit' : 'other';
      const entry: ClassEntry = e.tenant ? { seq: e.seq, t: now, tenant: e.tenant } : { seq: e.seq, t: now };
      ops.push(putFresh(EVENTS_BY_CLASS, classKey(cls, ++n[cls]), entry));
    }
    return events;
  }

  private published(p: Pending, events: Event[]): void {
    if (p.call?.audit?.pending) p.call.audit.pending = false;
    // Later changes by the same call (or work that inherited its context) do not record it again.
    if (p.change.ref !== undefined && p.call?.requestId) p.call.requestRecorded = true;
    for (const e of events) {
      // Attributes nested: spread, they collided with bound keys and were strings where other lines log numbers.
      const fields = { event_type: e.type, seq: e.seq, host_id: e.hostId || undefined, attributes: e.attributes };
      this.log[severityLevel(e.severity)](fields, e.message);
      for (const w of this.watchers) w(e);
    }
  }

  private async commitOne(p: Pending): Promise<void> {
    try {
      const now = this.clock.now();
      const base = this.baseOf(p, now);
      const ops = [...base.ops]; // the events' records go with them, not into the caller's array
      const pre = base.pre;
      const n = this.counters();
      const events = this.eventsOf(p, n, now, ops);
      if (events.length) ops.push(put('meta', 'event_seq', n));
      const versions = await this.store.batch(ops, pre);
      this.advance(n, events.length);
      this.published(p, events);
      p.resolve(versions);
    } catch (e) {
      if (!isConflict(e)) this.stats.writeErrors++;
      p.reject(e);
    }
  }

  /** Group commit, done by the store in one pass: one read of versions, one write. */
  private async commitGroup(group: Pending[]): Promise<void> {
    const now = this.clock.now();
    const bases = group.map((p) => this.baseOf(p, now));
    let events: Event[][] = [];
    let n = this.counters();
    let results: (Map<string, number> | Error)[];
    try {
      results = await this.store.batchGroup(bases, (accepted) => {
        const ops: Op[] = [];
        n = this.counters();
        events = group.map((p, i) => (accepted[i] ? this.eventsOf(p, n, now, ops) : []));
        if (n.seq > this.seq) ops.push(put('meta', 'event_seq', n));
        return ops;
      });
    } catch (e) {
      this.stats.writeErrors++;
      for (const p of group) p.reject(e);
      return;
    }
    this.advance(n, n.seq - this.seq);
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

  /**
   * One page of events after `sinceSeq` (and up to `upTo`). Reads at most
   * MAX_SCAN entries, matching or not, so a filter that matches little cannot
   * make one call scan the whole log; `next` is where the following page starts.
   */
  async list(
    sinceSeq: number,
    limit: number,
    filter?: Partial<EventFilter> | null,
    upTo?: number,
    newestFirst = false,
  ): Promise<{ events: Event[]; more: boolean; next: number }> {
    const out: Event[] = [];
    let scanned = 0;
    // Newest first, `next` is where the following page ends (exclusive); otherwise where it starts after.
    for await (const value of this.scanFrom(sinceSeq, filter?.tenant || undefined, upTo, newestFirst)) {
      if (matches(value, filter)) {
        if (out.length === limit) return { events: out, more: true, next: out.at(-1)!.seq };
        out.push(value);
      }
      if (++scanned === MAX_SCAN) return { events: out, more: true, next: value.seq };
    }
    return { events: out, more: false, next: out.at(-1)?.seq ?? sinceSeq };
  }

  /** Events after `sinceSeq` (up to `upTo`); with a tenant, only that tenant's, read through its index. */
  async *scanFrom(sinceSeq: number, tenant?: string, upTo?: number, reverse = false): AsyncIterable<Event> {
    if (!tenant) {
      const range = upTo === undefined ? { gt: seqKey(sinceSeq) } : { gt: seqKey(sinceSeq), lte: seqKey(upTo) };
      for await (const { value } of this.store.scan<Event>(EVENTS, { ...range, reverse })) yield value;
      return;
    }
    const prefix = `${tenant}/`;
    let batch: string[] = [];
    const flush = async function* (store: Store, keys: string[]) {
      for (const r of await store.getMany<Event>(EVENTS, keys)) if (r) yield r.value;
    };
    const range = {
      prefix,
      gt: prefix + seqKey(sinceSeq),
      ...(upTo === undefined ? {} : { lte: prefix + seqKey(upTo) }),
      reverse,
    };
    for await (const { key } of this.store.scan(EVENTS_BY_TENANT, range)) {
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

  /** A watch's count of events waiting for its client; returns the function that forgets it. */
  trackBacklog(read: () => number): () => void {
    this.backlogs.add(read);
    return () => this.backlogs.delete(read);
  }

  /** Events the watches hold waiting for their clients, in all (each is bounded by its watch buffer). */
  buffered(): number {
    let n = 0;
    for (const read of this.backlogs) n += read();
    return n;
  }

  /** Live subscribers (open watches). */
  subscribers(): number {
    return this.watchers.size;
  }

  /** Runs retention on every tick, and after every tenth of the smaller cap written (controller/events/retention.ts). */
  startRetention(everyMs = 10_000): void {
    this.retention.start(everyMs);
  }

  stop(): void {
    this.retention.stop();
  }

  /** Deletes events past their age or beyond their class's count, and expired request records; returns how many. */
  prune(): Promise<number> {
    return this.retention.prune();
  }
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

/** What a request_id answers to: the entity it acted on, and the body it came with. */
export interface RequestRecord {
  ref: string;
  atUnixMs: number;
  /** Hash of the request without its request_id ('' in records written before it was kept). */
  bodyHash: string;
}

/**
 * A request_id belongs to its caller: principal, RPC and id. (Records of the
 * earlier layout, `${rpc}/${id}`, are never looked up again and expire by TTL.)
 */
export function requestKey(principal: string, rpc: string, requestId: string): string {
  return `${principal}/${rpc}/${requestId}`;
}
