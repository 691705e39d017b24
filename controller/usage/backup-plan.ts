import type { GetBackupPlanRequest__Output } from '../../common/gen/nephele/v1/GetBackupPlanRequest.js';
import type { BackupDemand__Output } from '../../common/gen/nephele/v1/BackupDemand.js';
import type { Plan } from '../../common/gen/nephele/v1/Plan.js';
import type { VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { Sla } from '../../common/model/enums.js';
import { FailedPreconditionError, InvalidArgumentError, PermissionDeniedError } from '../../common/errors.js';
import { emptySetSpec, SlaEnum } from '../../common/grpc/convert.js';
import { KeyedMutex, put, type Store } from '../../common/store/index.js';
import type { EventLog } from '../events/log.js';
import { requireId, requireName } from '../../common/validate.js';
import type { Clock } from '../../common/clock.js';
import type { Planner } from '../planner/planner.js';
import { validateSetRequest } from '../planner/request.js';
import { SETS, type SetRecord } from '../planner/sets.js';
import { DEFAULT_TENANT, type Tenants } from '../tenancy/tenants.js';
import { dimValueArg, timeArg } from './convert.js';
import { demands, type Demand, type Sample } from './demand.js';
import { sourceArg } from './import.js';
import { anyFilter, type UsageFilter } from './model.js';
import { scanRaw, type ScanPos } from './scan.js';

// Backup plans, the target side: a source's imported usage → demand per app or
// set → a dry run of the backup sets on this fleet (the planner's own dry run);
// applied as standby (best-effort, one warm VM each) or guaranteed (full size
// now) sets, labelled with their source, app and full size so FailoverBackup
// finds them and scales them up.

/**
 * The backup sets made (key `<source>/<demand key>`): how FailoverBackup finds
 * them and what full size it scales them to. Set labels would not do: they are
 * host selectors.
 */
export const USAGE_BACKUPS = 'usage-backups';
export interface BackupRecord {
  source: string;
  /** The demand's key: `app:<app>` or `set:<source set>`. */
  key: string;
  app: string;
  setId: string;
  tenant: string;
  /** The computed count: what failover scales to. */
  fullCount: number;
  createdUnixMs: number;
}
const backupKey = (source: string, key: string) => `${source}/${key}`;
/** VMs a standby set keeps running until failover. */
export const STANDBY_COUNT = 1;
/** Imported records one plan may read (narrow the window or filter past it). */
const MAX_PLAN_RECORDS = 500_000;
/** Backups of one source that are looked at (one per app or set). */
const MAX_BACKUPS = 10_000;

export interface PlanArgs {
  source: string;
  /** Which imported records: the source's, by app, set and window. */
  filter: UsageFilter;
  percentile: number;
  headroom: number;
  /** Where the backup sets go. */
  tenant: string;
}

/** GetBackupPlan's request (ApplyBackupPlan's `plan`, with field prefix `plan.`), validated. */
export function planArgs(
  req: GetBackupPlanRequest__Output | null | undefined,
  scope: string | undefined,
  field = '',
): PlanArgs {
  const f = (n: string) => field + n;
  if (!req) throw new InvalidArgumentError(field.replace(/\.$/, '') || 'request', 'is required');
  const source = sourceArg(req.source, f('source'));
  const fromUnixMs = timeArg(f('from_unix_ms'), req.fromUnixMs);
  const toUnixMs = timeArg(f('to_unix_ms'), req.toUnixMs);
  if (toUnixMs && toUnixMs <= fromUnixMs) throw new InvalidArgumentError(f('to_unix_ms'), 'must be after from_unix_ms');
  const filter: UsageFilter = {
    ...anyFilter(),
    source,
    app: dimValueArg(f('app'), req.app),
    setId: req.setId ? requireId(f('set_id'), req.setId) : '',
    fromUnixMs,
    toUnixMs,
  };
  const percentile = req.percentile || 95;
  if (!Number.isFinite(percentile) || percentile <= 0 || percentile > 100)
    throw new InvalidArgumentError(f('percentile'), 'must be above 0 and at most 100');
  const headroom = req.headroom ?? 0.2;
  if (!Number.isFinite(headroom) || headroom < 0 || headroom > 10)
    throw new InvalidArgumentError(f('headroom'), 'must be from 0 to 10');
  const tenant = req.tenant ? requireName(f('tenant'), req.tenant) : (scope ?? DEFAULT_TENANT);
  if (scope !== undefined && tenant !== scope) throw new PermissionDeniedError('backup sets go to your own tenant');
  return { source, filter, percentile, headroom, tenant };
}

/** The backup set's name: `bk-<app or source set>`, as a set name may be. */
export function backupName(d: Pick<Demand, 'app' | 'sourceSetId'>): string {
  const base = `bk-${d.sourceSetId ? d.sourceSetId.toLowerCase() : d.app}`.replace(/[^a-z0-9-]/g, '-');
  return base.slice(0, 63).replace(/-+$/, '');
}

export interface PlannedDemand {
  demand: Demand;
  name: string;
  plan: Plan;
}

export class BackupPlanner {
  private readonly lock = new KeyedMutex();
  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly planner: Planner,
    private readonly tenants: Tenants,
    private readonly clock: Clock,
  ) {}

  /** Demand from the source's imported records in the window, and a dry run of each on this fleet. */
  async plan(a: PlanArgs): Promise<{ planned: PlannedDemand[]; unfit: string[] }> {
    if (!(await this.tenants.exists(a.tenant))) throw new InvalidArgumentError('tenant', 'unknown tenant');
    const samples: Sample[] = [];
    let after: ScanPos | undefined;
    for (;;) {
      const r = await scanRaw(this.store, a.filter, { after, limit: 10_000 });
      for (const x of r.records)
        samples.push({
          startUnixMs: x.startUnixMs,
          endUnixMs: x.endUnixMs,
          vcpus: x.vcpus,
          memoryMib: x.memoryMib,
          scheme: x.scheme,
          vmClass: x.vmClass,
          app: x.app,
          setId: x.setId,
          tenant: x.tenant,
          userGroup: x.userGroup,
        });
      if (samples.length > MAX_PLAN_RECORDS)
        throw new FailedPreconditionError(
          `the window holds more than ${MAX_PLAN_RECORDS} imported records: narrow it (from/to) or filter by app or set`,
        );
      if (!r.more) break;
      after = r.next;
    }
    if (!samples.length)
      throw new FailedPreconditionError('no imported usage of this source matches: nothing to back up');
    const planned: PlannedDemand[] = [];
    const unfit: string[] = [];
    for (const demand of demands(samples, {
      percentile: a.percentile,
      headroom: a.headroom,
      bySet: !!a.filter.setId,
    })) {
      const name = backupName(demand);
      const plan = await this.planner.dryRun(this.setRequest(a, demand, name, demand.vmCount, 'guaranteed'), a.tenant);
      planned.push({ demand, name, plan });
      if (plan.unplaced)
        unfit.push(
          `${name}: ${plan.unplaced} of ${demand.vmCount} VMs do not fit (${(plan.reasons ?? []).join('; ') || 'no capacity'})`,
        );
    }
    return { planned, unfit };
  }

  /**
   * Creates the plan's sets that do not exist yet (found by their labels, so a
   * re-apply creates nothing): standby = best-effort, STANDBY_COUNT VMs;
   * guaranteed = the full count now.
   */
  apply(a: PlanArgs, mode: Sla): Promise<VmSet[]> {
    return this.lock.run(a.source, async () => {
      const { planned } = await this.plan(a);
      const existing = new Map((await this.backups(a.source, a.tenant)).map((b) => [b.key, b]));
      const out: VmSet[] = [];
      for (const p of planned) {
        const have = existing.get(p.demand.key);
        if (have) {
          out.push(await this.planner.view(have.setId));
          continue;
        }
        const count = mode === 'best_effort' ? STANDBY_COUNT : p.demand.vmCount;
        const { set } = await this.planner.create(this.setRequest(a, p.demand, p.name, count, mode), a.tenant);
        const rec: BackupRecord = {
          source: a.source,
          key: p.demand.key,
          app: p.demand.app,
          setId: set.id!,
          tenant: a.tenant,
          fullCount: p.demand.vmCount,
          createdUnixMs: this.clock.now(),
        };
        await this.events.commit({ ops: [put(USAGE_BACKUPS, backupKey(a.source, p.demand.key), rec)] });
        out.push(set);
      }
      return out;
    });
  }

  /** Scales the source's backup sets (one app's, if named) to their full count. */
  failover(source: string, app: string, scope: string | undefined): Promise<VmSet[]> {
    return this.lock.run(source, async () => {
      const list = (await this.backups(source, scope)).filter((b) => !app || b.app === app);
      if (!list.length) throw new FailedPreconditionError('no backup sets of this source: apply a backup plan first');
      const out: VmSet[] = [];
      for (const b of list) {
        const view = await this.planner.view(b.setId);
        out.push((view.count ?? 0) >= b.fullCount ? view : (await this.planner.scale(b.setId, b.fullCount)).set);
      }
      return out;
    });
  }

  /** The source's backups whose set is still live (not retiring or retired), in the scope. */
  private async backups(source: string, scope: string | undefined): Promise<BackupRecord[]> {
    const recs: BackupRecord[] = [];
    for await (const { value } of this.store.scan<BackupRecord>(USAGE_BACKUPS, {
      prefix: `${source}/`,
      limit: MAX_BACKUPS,
    }))
      if (scope === undefined || value.tenant === scope) recs.push(value);
    const sets = await this.store.getMany<SetRecord>(
      SETS,
      recs.map((r) => r.setId),
    );
    return recs.filter((_, i) => {
      const s = sets[i]?.value;
      return s && s.state !== 'retiring' && s.state !== 'retired';
    });
  }

  private setRequest(a: PlanArgs, d: Demand, name: string, count: number, sla: Sla) {
    const r = validateSetRequest(
      {
        ...emptySetSpec(),
        name,
        tenant: a.tenant,
        spec: {
          scheme: d.spec.scheme,
          vcpus: d.spec.vcpus,
          memoryMib: d.spec.memoryMib,
          diskGib: 0,
          image: '',
          appliancePort: 0,
          config: {},
          vmClass: d.spec.vmClass,
          baseImage: null,
        },
        count,
        sla: SlaEnum.toProto(sla),
        app: d.app,
        userGroup: d.userGroup,
      },
      this.clock.now(),
    );
    return { ...r, app: d.app, userGroup: d.userGroup };
  }
}

export function demandToProto(p: PlannedDemand): BackupDemand__Output {
  const d = p.demand;
  return {
    app: d.app,
    sourceSetId: d.sourceSetId,
    name: p.name,
    pVcpus: d.pVcpus,
    pMemoryMib: d.pMemoryMib,
    peakVms: d.peakVms,
    vmCount: d.vmCount,
    spec: {
      scheme: d.spec.scheme,
      vcpus: d.spec.vcpus,
      memoryMib: d.spec.memoryMib,
      diskGib: 1,
      image: '',
      appliancePort: 0,
      config: {},
      vmClass: d.spec.vmClass,
      baseImage: null,
    },
    userGroup: d.userGroup,
    tenant: d.tenant,
  };
}
