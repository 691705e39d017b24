// Per-set reclassification policies (issue 15): auto-apply (off by default) in
// a maintenance window that opens on a cron and lasts window_minutes. A set that
// is retired (or gone) has no window: its policy is ignored.
import type { Clock } from '../../../common/clock.js';
import { FailedPreconditionError, InvalidArgumentError } from '../../../common/errors.js';
import type { RecommendationKind } from '../../../common/model/reclass.js';
import { del, put, retryOnConflict, type Op, type Store } from '../../../common/store/index.js';
import { nextCron } from '../../../agent/monitor/cron.js';
import type { EventLog } from '../../events/log.js';
import { RECLASS_POLICIES, type ReclassPolicyRecord } from '../../model/reclass.js';
import { getSet, SETS, type SetRecord } from '../../planner/sets.js';
import { cronArg } from '../../usage/jobs.js';
import type { ReclassPolicies, Scope } from '../ports.js';

/** Policies read per auto-apply pass at most (one per set). */
export const MAX_POLICIES = 10_000;
/** Kinds auto-applied when a policy names none: the ones that keep the VM (no new VM, no retired source). */
export const DEFAULT_AUTO_KINDS: RecommendationKind[] = ['resize', 'move'];

export const defaultReclassPolicy = (setId: string, tenant: string): ReclassPolicyRecord => ({
  setId,
  tenant,
  autoApply: false,
  windowCron: '',
  windowMinutes: 0,
  kinds: [],
  updatedUnixMs: 0,
});

/** A policy as requested, validated (INVALID_ARGUMENT naming the field under `policy.`). */
export function validateReclassPolicy(
  p: Pick<ReclassPolicyRecord, 'autoApply' | 'windowCron' | 'windowMinutes' | 'kinds'>,
): Pick<ReclassPolicyRecord, 'autoApply' | 'windowCron' | 'windowMinutes' | 'kinds'> {
  if (p.windowCron.length > 128) throw new InvalidArgumentError('policy.window_cron', 'at most 128 characters');
  const cron = p.windowCron ? cronArg('policy.window_cron', p.windowCron) : '';
  if (p.autoApply && !cron)
    throw new InvalidArgumentError('policy.window_cron', 'is required with auto_apply (changes land in the window)');
  const m = p.windowMinutes;
  if (cron && (!Number.isInteger(m) || m < 1 || m > 1440))
    throw new InvalidArgumentError('policy.window_minutes', 'must be 1..1440 with a window');
  if (!cron && m !== 0) throw new InvalidArgumentError('policy.window_minutes', 'needs policy.window_cron');
  const seen = new Set<string>();
  p.kinds.forEach((k, i) => {
    if (seen.has(k)) throw new InvalidArgumentError(`policy.kinds[${i}]`, 'is given twice');
    seen.add(k);
  });
  return { autoApply: p.autoApply, windowCron: cron, windowMinutes: cron ? m : 0, kinds: [...p.kinds] };
}

/** The window [start, end) open at `now`, else the next one; undefined without a cron (or none within the cron's horizon). */
export function windowAt(
  p: Pick<ReclassPolicyRecord, 'windowCron' | 'windowMinutes'>,
  now: number,
): { start: number; end: number } | undefined {
  if (!p.windowCron || p.windowMinutes <= 0) return undefined;
  const len = p.windowMinutes * 60_000;
  // The first start after (now - len) is either the window holding `now` or the next one.
  const start = nextCron(p.windowCron, now - len);
  return start === undefined ? undefined : { start, end: start + len };
}

export const isOpen = (w: { start: number; end: number } | undefined, now: number): boolean =>
  !!w && w.start <= now && now < w.end;

/** Whether the set still counts: a retired or retiring set (or a missing one) has no policy in force. */
export const setInForce = (s: SetRecord | undefined): boolean => !!s && s.state !== 'retired' && s.state !== 'retiring';

export class ReclassPolicyBook implements ReclassPolicies {
  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly clock: Clock,
  ) {}

  /** The set's policy, or the defaults; NOT_FOUND for a set outside scope (or none). */
  async get(setId: string, scope: Scope): Promise<ReclassPolicyRecord> {
    const { set } = await getSet(this.store, setId, scope);
    return (
      (await this.store.get<ReclassPolicyRecord>(RECLASS_POLICIES, setId))?.value ??
      defaultReclassPolicy(setId, set.tenant)
    );
  }

  async set(
    setId: string,
    p: Pick<ReclassPolicyRecord, 'autoApply' | 'windowCron' | 'windowMinutes' | 'kinds'>,
    scope: Scope,
    actor: string,
  ): Promise<ReclassPolicyRecord> {
    const valid = validateReclassPolicy(p);
    const { set } = await getSet(this.store, setId, scope);
    if (!setInForce(set)) throw new FailedPreconditionError('the set is retired: a policy of it would never apply');
    const rec: ReclassPolicyRecord = { setId, tenant: set.tenant, ...valid, updatedUnixMs: this.clock.now() };
    await retryOnConflict(() =>
      this.events.commit({
        ops: [put(RECLASS_POLICIES, setId, rec)],
        events: [
          {
            type: 'reclass.policy_set',
            message: 'reclassification policy set',
            actor,
            tenant: set.tenant,
            attributes: {
              set_id: setId,
              auto_apply: String(rec.autoApply),
              window_cron: rec.windowCron,
              window_minutes: String(rec.windowMinutes),
            },
          },
        ],
        ref: setId,
      }),
    );
    return rec;
  }

  /** Policies of sets in force that auto-apply (bounded); the policies of sets purged since are deleted on the way. */
  async autoApplying(): Promise<ReclassPolicyRecord[]> {
    const out: ReclassPolicyRecord[] = [];
    const gone: Op[] = [];
    for await (const e of this.store.scan<ReclassPolicyRecord>(RECLASS_POLICIES, { limit: MAX_POLICIES })) {
      const set = (await this.store.get<SetRecord>(SETS, e.key))?.value;
      if (!set) gone.push(del(RECLASS_POLICIES, e.key));
      else if (e.value.autoApply && setInForce(set)) out.push(e.value);
    }
    if (gone.length) await this.store.batch(gone);
    return out;
  }

  /** The policy of a set in force, undefined otherwise (no scope: the controller's own loops). */
  async inForce(setId: string): Promise<ReclassPolicyRecord | undefined> {
    if (!setInForce((await this.store.get<SetRecord>(SETS, setId))?.value)) return undefined;
    return (await this.store.get<ReclassPolicyRecord>(RECLASS_POLICIES, setId))?.value;
  }

  /** When the next window starts: `now` when one is open, else the next start; undefined without a window. */
  async nextWindow(setId: string, nowUnixMs: number): Promise<number | undefined> {
    const p = await this.inForce(setId);
    const w = p && windowAt(p, nowUnixMs);
    return w && Math.max(w.start, nowUnixMs);
  }
}
