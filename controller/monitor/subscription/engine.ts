// Subscriptions: stored records (SUBSCRIPTIONS), a copy in memory for active()
// and the ticker, and the steps of a subscription's end run in order on the
// Clock: warning → end (VMs stopped, monitoring off) → retire after the grace.
import type { Clock, Timer } from '../../../common/clock.js';
import { FailedPreconditionError, ResourceExhaustedError } from '../../../common/errors.js';
import type { Logger } from '../../../common/logger.js';
import { at, Mutex, put, type Store } from '../../../common/store/index.js';
import type { EventLog, NewEvent } from '../../events/log.js';
import { SUBSCRIPTIONS, type SubscriptionRecord } from '../../model/monitor.js';
import type { Subscriptions } from '../ports.js';
import { parseScope, scopeAttributes, type SubscriptionInput } from './convert.js';
import { afterStep, dueStep, initialState, STEP_EVENTS, type SubscriptionStep } from './decide.js';
import type { ScopeOps } from './ops.js';

export interface SubscriptionDeps {
  store: Store;
  events: EventLog;
  clock: Clock;
  log: Logger;
  ops: ScopeOps;
  /** StateTable.setMonitored (the state part); injected so this part stands alone. */
  setMonitored: (vmIds: string[], monitored: boolean) => Promise<void>;
  /** How often due steps are looked for (default 1 s). */
  tickMs?: number;
  /** Most subscriptions kept (each is a row in memory). */
  maxSubscriptions?: number;
}

export const MAX_SUBSCRIPTIONS = 100_000;

export class SubscriptionEngine implements Subscriptions {
  private readonly subs = new Map<string, { rec: SubscriptionRecord; version: number }>();
  private readonly lock = new Mutex();
  private timer: Timer | undefined;
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly d: SubscriptionDeps) {}

  async start(): Promise<void> {
    for await (const e of this.d.store.scan<SubscriptionRecord>(SUBSCRIPTIONS))
      this.subs.set(e.key, { rec: e.value, version: e.version });
    // Steps interrupted by a restart are due again: the first tick resumes them.
    this.timer = this.d.clock.setInterval(() => void this.tick(), this.d.tickMs ?? 1000);
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    await this.ticking;
  }

  async get(scope: string): Promise<SubscriptionRecord | undefined> {
    return this.subs.get(scope)?.rec;
  }

  active(setId: string, tenant: string): boolean {
    const off = (scope: string) => {
      const s = this.subs.get(scope)?.rec.state;
      return s === 'ended' || s === 'retired';
    };
    return !(off(`set:${setId}`) || off(`tenant:${tenant}`));
  }

  /** Creates or changes a subscription; an ended one is not reopened (its VMs are stopped, its set retiring). */
  async set(input: SubscriptionInput, tenant: string): Promise<SubscriptionRecord> {
    return this.lock.run(async () => {
      const now = this.d.clock.now();
      const cur = this.subs.get(input.scope);
      if (cur && (cur.rec.state === 'ended' || cur.rec.state === 'retired'))
        throw new FailedPreconditionError(`the subscription has ${cur.rec.state}`);
      if (!cur && this.subs.size >= (this.d.maxSubscriptions ?? MAX_SUBSCRIPTIONS))
        throw new ResourceExhaustedError('too many subscriptions');
      const moved = !!cur && cur.rec.endUnixMs !== input.endUnixMs;
      const rec: SubscriptionRecord = {
        scope: input.scope,
        startUnixMs: input.startUnixMs,
        endUnixMs: input.endUnixMs,
        graceS: input.graceS,
        warnS: input.warnS,
        state: cur?.rec.state === 'active' ? 'active' : initialState(input.startUnixMs, now),
        // A new end date earns a new warning.
        warned: !moved && !!cur?.rec.warned,
        version: (cur?.rec.version ?? 0) + 1,
        updatedUnixMs: now,
      };
      const ev: NewEvent = {
        type: 'subscription.set',
        message: 'subscription set',
        tenant,
        attributes: { ...scopeAttributes(rec.scope), end_unix_ms: String(rec.endUnixMs) },
      };
      await this.write(rec, cur?.version ?? 0, ev);
      this.d.log.info({ scope: rec.scope, end_unix_ms: rec.endUnixMs }, 'subscription set');
      return rec;
    });
  }

  /** Runs every due step, one subscription and one step at a time (steps stay in order). */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.runDue()).catch(() => undefined);
    return this.ticking;
  }

  /** Resolves when the ticks fired so far are done (tests with a fake clock). */
  settled(): Promise<void> {
    return this.ticking;
  }

  private async runDue(): Promise<void> {
    for (const scope of [...this.subs.keys()]) {
      for (;;) {
        const cur = this.subs.get(scope)!;
        const step = dueStep(cur.rec, this.d.clock.now());
        if (!step) break;
        try {
          await this.lock.run(() => this.run(scope, step));
        } catch (err) {
          // Retried at the next tick: the step's effects are idempotent.
          this.d.log.warn({ err, scope, step }, 'subscription step failed');
          break;
        }
      }
    }
  }

  private async run(scope: string, step: SubscriptionStep): Promise<void> {
    const cur = this.subs.get(scope)!;
    if (dueStep(cur.rec, this.d.clock.now()) !== step) return; // changed meanwhile
    const { parsed } = parseScope('scope', scope);
    const tenant = (await this.d.ops.tenantOf(parsed)) ?? '';
    const attrs = scopeAttributes(scope);
    if (step === 'end') {
      const ids = await this.d.ops.vmsOf(parsed);
      await this.d.ops.stopVms(ids);
      await this.d.setMonitored(ids, false);
      attrs.vms = String(ids.length);
    } else if (step === 'retire') {
      await this.d.ops.retire(parsed, 'subscription ended');
    }
    const now = this.d.clock.now();
    const next = afterStep(cur.rec, step, now);
    next.version = cur.rec.version + 1;
    if (step === 'warn') attrs.end_unix_ms = String(cur.rec.endUnixMs);
    const e = STEP_EVENTS[step];
    await this.write(next, cur.version, { ...e, tenant, attributes: attrs });
    this.d.log.info({ scope, step }, 'subscription step');
  }

  /** The record and its event in one batch, guarded by the stored version. */
  private async write(rec: SubscriptionRecord, version: number, ev: NewEvent): Promise<void> {
    const v = await this.d.events.commit({
      ops: [put(SUBSCRIPTIONS, rec.scope, rec)],
      preconditions: [at(SUBSCRIPTIONS, rec.scope, version)],
      events: [ev],
      ref: rec.scope,
    });
    this.subs.set(rec.scope, { rec, version: v.get(`${SUBSCRIPTIONS}/${rec.scope}`)! });
  }
}
