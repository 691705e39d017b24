import type { Clock, Timer } from '../../common/clock.js';
import type { NewEvent } from '../events/log.js';

export interface RefusalAuditLimits {
  /** Refused calls audited one by one per caller in each window. */
  individual: number;
  /** A caller's window; the refusals past `individual` become one aggregate event when it closes. */
  windowMs: number;
}

export const DEFAULT_REFUSAL_AUDIT: RefusalAuditLimits = { individual: 10, windowMs: 60_000 };

/** Whom refusals are counted against: a principal, or the address of an anonymous caller. */
export interface Refuser {
  key: string;
  actor: string;
  tenant: string;
  hostId?: string;
  attributes: Record<string, string>;
}

interface Window {
  who: Refuser;
  startedAt: number;
  lastAt: number;
  total: number;
  individual: number;
  rpcs: Map<string, number>;
  codes: Map<string, number>;
}

/** Open windows at most; callers beyond it share one window (no individual events) so a spread flood stays bounded too. */
const MAX_WINDOWS = 10_000;
const OVERFLOW: Refuser = { key: '*', actor: '', tenant: '', attributes: { peer: '*' } };

/**
 * Throttles and aggregates the audit of refused (and failed mutating) calls per
 * caller: the first few of a window are audited one by one, the rest are only
 * counted, and one "N calls refused in T" event is written when the window
 * closes (or at shutdown). A flood thus writes a bounded number of events whose
 * counts still add up exactly.
 */
export class RefusalAudit {
  private readonly windows = new Map<string, Window>();
  private readonly writing = new Set<Promise<void>>();
  private timer?: Timer;

  constructor(
    private readonly limits: RefusalAuditLimits,
    private readonly clock: Clock,
    private readonly write: (e: NewEvent) => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Counts one refused call; true when it is to be audited on its own. */
  admit(who: Refuser, rpc: string, code: string): boolean {
    const now = this.clock.now();
    let w = this.windows.get(who.key);
    if (w && now >= w.startedAt + this.limits.windowMs) {
      this.close(w);
      w = undefined;
    }
    if (!w && this.windows.size >= MAX_WINDOWS) {
      who = OVERFLOW;
      w = this.windows.get(OVERFLOW.key);
    }
    if (!w) {
      w = { who, startedAt: now, lastAt: now, total: 0, individual: 0, rpcs: new Map(), codes: new Map() };
      this.windows.set(who.key, w);
    }
    w.total++;
    w.lastAt = now;
    w.rpcs.set(rpc, (w.rpcs.get(rpc) ?? 0) + 1);
    w.codes.set(code, (w.codes.get(code) ?? 0) + 1);
    if (who === OVERFLOW || w.individual >= this.limits.individual) return false;
    w.individual++;
    return true;
  }

  /** Closes the windows whose time is up (all of them with `all`). */
  sweep(all = false): void {
    const now = this.clock.now();
    for (const w of [...this.windows.values()]) if (all || now >= w.startedAt + this.limits.windowMs) this.close(w);
  }

  start(): void {
    this.timer ??= this.clock.setInterval(() => this.sweep(), Math.max(100, Math.min(1000, this.limits.windowMs / 4)));
  }

  /** Writes every open window's aggregate; for shutdown. */
  async stop(): Promise<void> {
    this.timer?.cancel();
    this.sweep(true);
    await Promise.all([...this.writing]);
  }

  private close(w: Window): void {
    this.windows.delete(w.who.key);
    if (w.total <= w.individual) return; // every one was audited already
    const p = this.write(aggregateEvent(w, this.limits.windowMs))
      .then(() => {}, this.onError)
      .finally(() => this.writing.delete(p));
    this.writing.add(p);
  }
}

const counts = (m: Map<string, number>) =>
  [...m]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${k}=${n}`)
    .join(',');

function aggregateEvent(w: Window, windowMs: number): NewEvent {
  return {
    type: 'audit.refused',
    severity: 'warning',
    message: `${w.total} calls refused in ${Math.round(windowMs / 1000)}s (${w.individual} audited one by one)`,
    audit: true,
    actor: w.who.actor,
    tenant: w.who.tenant,
    hostId: w.who.hostId,
    attributes: {
      ...w.who.attributes,
      refused: String(w.total),
      audited_individually: String(w.individual),
      not_audited_individually: String(w.total - w.individual),
      rpcs: counts(w.rpcs),
      codes: counts(w.codes),
      window_ms: String(windowMs),
      first_unix_ms: String(w.startedAt),
      last_unix_ms: String(w.lastAt),
    },
  };
}
