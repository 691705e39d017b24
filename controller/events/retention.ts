// Event retention: deletes events past their age or beyond their class's count
// (through the class index, never reading kept events) and expired request records.
import { seqKey } from '../../common/ids.js';
import { del, type Op, type Store } from '../../common/store/index.js';
import type { Clock, Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import {
  classKey,
  EVENTS,
  EVENTS_BY_CLASS,
  EVENTS_BY_TENANT,
  INDEX_CHUNK,
  REQUESTS,
  type ClassEntry,
  type EventClass,
} from './schema.js';

export interface Retention {
  maxAgeMs: number;
  /** Non-audit events kept at most. */
  maxCount: number;
  auditMaxAgeMs: number;
  /** Audit events kept at most (their own cap: a flood of them cannot push out the operations log, nor grow without bound). */
  auditMaxCount: number;
  requestTtlMs: number;
}

export const DEFAULT_RETENTION: Retention = {
  maxAgeMs: 30 * 86_400_000,
  maxCount: 1_000_000,
  auditMaxAgeMs: 365 * 86_400_000,
  auditMaxCount: 1_000_000,
  requestTtlMs: 86_400_000,
};

/** Deletes per store batch while pruning. */
const PRUNE_CHUNK = INDEX_CHUNK;
/** One prune run stops after this long and continues on the next tick, so it never stalls the event loop. */
const PRUNE_BUDGET_MS = 200;
/** Request records looked at per retention tick (resumed from a cursor: the scan is bounded, the sweep still covers all). */
const REQUEST_SLICE = 2000;

/** Runs retention for one EventLog: on a timer, after enough writes, or on demand. */
export class EventRetention {
  private pruneTimer?: Timer;
  /** Armed by start; one run at a time; where the last run stopped. */
  private retaining = false;
  private pruning = false;
  /** A run was asked for while one was going: run again after it (with the request sweep if a tick asked). */
  private pruneAgain?: { requests: boolean };
  private sinceRetained = 0;
  private readonly prunedTo = { audit: 0, other: 0 };
  private requestCursor = '';

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly retention: Retention,
    /** The last ordinal the log has handed out in a class's index. */
    private readonly lastOrdinal: (cls: EventClass) => number,
  ) {}

  /**
   * Runs retention on every tick (ages, request records) and also whenever a
   * tenth of the smaller cap has been written since the last run; a run that
   * ran out of its time budget continues on the next turn of the event loop.
   */
  start(everyMs = 10_000): void {
    this.retaining = true;
    this.pruneTimer = this.clock.setInterval(() => this.retain(true), everyMs);
  }

  stop(): void {
    this.retaining = false;
    this.pruneTimer?.cancel();
  }

  /** After a write of `n` events: retention also runs by count, so it keeps up with any write rate, not just once per tick. */
  written(n: number): void {
    this.sinceRetained += n;
    if (this.retaining && this.sinceRetained >= this.pruneTrigger()) this.retain(false);
  }

  private pruneTrigger(): number {
    return Math.max(
      1,
      Math.min(10_000, Math.floor(Math.min(this.retention.maxCount, this.retention.auditMaxCount) / 10)),
    );
  }

  private retain(requests: boolean): void {
    if (!this.retaining) return;
    if (this.pruning) {
      this.pruneAgain = { requests: requests || !!this.pruneAgain?.requests };
      return;
    }
    this.pruning = true;
    this.sinceRetained = 0;
    void this.pruneRun(requests)
      .catch((err) => {
        this.log.error({ err }, 'event retention failed');
        return { deleted: 0, more: false };
      })
      .then(({ more }) => {
        this.pruning = false;
        const again = this.pruneAgain;
        this.pruneAgain = undefined;
        if (more || again) setImmediate(() => this.retain(!!again?.requests));
      });
  }

  /** Deletes events past their age or beyond their class's count, and expired request records; returns how many. */
  async prune(): Promise<number> {
    return (await this.pruneRun(true)).deleted;
  }

  /** One retention run, for at most PRUNE_BUDGET_MS of deleting; `more` when it stopped with work left. */
  private async pruneRun(requests: boolean): Promise<{ deleted: number; more: boolean }> {
    const r = this.retention;
    const now = this.clock.now();
    const until = performance.now() + PRUNE_BUDGET_MS;
    const audit = await this.pruneClass('audit', r.auditMaxCount, r.auditMaxAgeMs, now, until);
    const other = await this.pruneClass('other', r.maxCount, r.maxAgeMs, now, until);
    const reqs = requests ? await this.pruneRequests(now) : 0;
    return { deleted: audit.deleted + other.deleted + reqs, more: audit.more || other.more };
  }

  /**
   * Deletes a class's oldest events while they are beyond its count or past its
   * age: a range from where the last run stopped, ending at the first kept one.
   */
  private async pruneClass(
    cls: EventClass,
    maxCount: number,
    maxAgeMs: number,
    now: number,
    until: number,
  ): Promise<{ deleted: number; more: boolean }> {
    const lastGone = this.lastOrdinal(cls) - maxCount; // ordinals up to this one are beyond the count
    let deleted = 0;
    for (;;) {
      const dels: Op[] = [];
      let read = 0;
      let kept = false;
      let to = this.prunedTo[cls];
      for await (const { key, value } of this.store.scan<ClassEntry>(EVENTS_BY_CLASS, {
        prefix: `${cls}/`,
        gt: classKey(cls, to),
        limit: PRUNE_CHUNK,
      })) {
        read++;
        const ord = Number(key.slice(cls.length + 1));
        if (ord > lastGone && now - value.t <= maxAgeMs) {
          kept = true;
          break;
        }
        dels.push(del(EVENTS_BY_CLASS, key), del(EVENTS, seqKey(value.seq)));
        if (value.tenant) dels.push(del(EVENTS_BY_TENANT, `${value.tenant}/${seqKey(value.seq)}`));
        to = ord;
        deleted++;
      }
      if (dels.length) await this.store.batch(dels);
      this.prunedTo[cls] = to;
      if (kept || read < PRUNE_CHUNK) return { deleted, more: false };
      if (performance.now() >= until) return { deleted, more: true };
    }
  }

  /** Expired request records, in slices from a cursor: each run reads a bounded number, the sweep still covers all. */
  private async pruneRequests(now: number): Promise<number> {
    const dels: Op[] = [];
    let read = 0;
    let lastKey = '';
    for await (const { key, value } of this.store.scan<{ atUnixMs: number }>(REQUESTS, {
      limit: REQUEST_SLICE,
      ...(this.requestCursor ? { gt: this.requestCursor } : {}),
    })) {
      read++;
      lastKey = key;
      if (now - value.atUnixMs > this.retention.requestTtlMs) dels.push(del(REQUESTS, key));
    }
    this.requestCursor = read < REQUEST_SLICE ? '' : lastKey;
    if (dels.length) await this.store.batch(dels);
    return dels.length;
  }
}
