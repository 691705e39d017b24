// Auto-apply (issue 15): a set whose policy opts in has its open, applicable
// recommendations of the allowed kinds scheduled into its maintenance window,
// and scheduled recommendations are applied once due — inside their set's
// window (a window missed while the controller was down waits for the next).
// decideAutoApply is pure; AutoApplier reads, decides and acts on a timer.
import type { Clock, Timer } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import type { Store } from '../../../common/store/index.js';
import {
  RECOMMENDATIONS,
  RECS_BY_VM,
  type RecommendationRecord,
  type ReclassPolicyRecord,
} from '../../model/reclass.js';
import { VMS_BY_SET } from '../../planner/sets.js';
import type { Applier, Recommendations } from '../ports.js';
import { DEFAULT_AUTO_KINDS, isOpen, windowAt, type ReclassPolicyBook } from './policies.js';

export const AUTO_APPLY_EVERY_MS = 30_000;
/** Bounds of one pass: VMs looked at for open recommendations, and due recommendations read. */
export const PASS_LIMITS = { vms: 2000, vmsPerSet: 500, due: 100 } as const;
/** Who applied it, in the records and events. */
export const AUTO_PRINCIPAL = 'reclass-auto-apply';

export interface AutoApplyInput {
  now: number;
  /** Policies of sets in force, by set id. */
  policies: Map<string, ReclassPolicyRecord>;
  /** Open recommendations of the auto-applying sets. */
  open: RecommendationRecord[];
  /** Scheduled recommendations whose time has come (scheduledUnixMs <= now). */
  scheduled: RecommendationRecord[];
}

export interface AutoApplyDecision {
  /** To schedule into the set's next window (apply with when = maintenance_window). */
  schedule: string[];
  /** To apply now. */
  apply: string[];
}

export function decideAutoApply(i: AutoApplyInput): AutoApplyDecision {
  const schedule: string[] = [];
  const apply: string[] = [];
  for (const r of i.open) {
    const p = i.policies.get(r.setId);
    if (r.state !== 'open' || !r.applicable || !p?.autoApply) continue;
    const kinds = p.kinds.length ? p.kinds : DEFAULT_AUTO_KINDS;
    if (kinds.includes(r.kind)) schedule.push(r.id);
  }
  for (const r of i.scheduled) {
    if (r.state !== 'scheduled' || r.scheduledUnixMs > i.now) continue;
    const p = i.policies.get(r.setId);
    // At a time: then. In the window: only while one is open (no window left: the applier judges it).
    const inWindow = r.when !== 'maintenance_window' || !p?.windowCron || isOpen(windowAt(p, i.now), i.now);
    if (inWindow) apply.push(r.id);
  }
  return { schedule, apply };
}

export class AutoApplier {
  private timer?: Timer;
  private running?: Promise<void>;

  constructor(
    private readonly d: {
      store: Store;
      clock: Clock;
      log: Logger;
      policies: ReclassPolicyBook;
      applier: Applier;
      recommendations: Recommendations;
    },
  ) {}

  start(): void {
    this.timer = this.d.clock.setInterval(() => void this.pass(), AUTO_APPLY_EVERY_MS);
    void this.pass();
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    await this.running;
  }

  /** One pass (joins the one going: passes never overlap). */
  pass(): Promise<void> {
    this.running ??= this.passOnce()
      .catch((err) => this.d.log.error({ err }, 'reclass auto-apply pass failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async passOnce(): Promise<void> {
    const { clock, policies, recommendations } = this.d;
    const now = clock.now();
    const byPolicy = new Map((await policies.autoApplying()).map((p) => [p.setId, p]));
    const open = await this.openOf([...byPolicy.keys()]);
    const scheduled = await recommendations.due(now, PASS_LIMITS.due);
    for (const r of scheduled)
      if (!byPolicy.has(r.setId)) {
        const p = await policies.inForce(r.setId);
        if (p) byPolicy.set(r.setId, p);
      }
    const d = decideAutoApply({ now, policies: byPolicy, open, scheduled });
    for (const id of d.schedule) await this.act(id, 'maintenance_window');
    for (const id of d.apply) await this.act(id, 'now');
  }

  /** The newest recommendation of each VM of the sets, where it is open (bounded). */
  private async openOf(setIds: string[]): Promise<RecommendationRecord[]> {
    const { store } = this.d;
    const out: RecommendationRecord[] = [];
    let vms = 0;
    for (const setId of setIds) {
      const prefix = `${setId}/`;
      for await (const { key } of store.scan(VMS_BY_SET, { prefix, limit: PASS_LIMITS.vmsPerSet })) {
        if (++vms > PASS_LIMITS.vms) return out;
        const vmId = key.slice(prefix.length);
        for await (const e of store.scan(RECS_BY_VM, { prefix: `${vmId}\x00`, reverse: true, limit: 1 })) {
          const rec = (await store.get<RecommendationRecord>(RECOMMENDATIONS, e.key.slice(vmId.length + 1)))?.value;
          if (rec?.state === 'open') out.push(rec);
        }
      }
    }
    return out;
  }

  private async act(id: string, when: 'now' | 'maintenance_window'): Promise<void> {
    try {
      const { rec } = await this.d.applier.apply(
        id,
        { when, atUnixMs: 0, dryRun: false, principal: AUTO_PRINCIPAL },
        undefined,
      );
      this.d.log.info({ recommendation_id: id, vm_id: rec.vmId, when, state: rec.state }, 'reclass auto-apply');
    } catch (err) {
      this.d.log.warn({ err, recommendation_id: id, when }, 'reclass auto-apply refused');
    }
  }
}
