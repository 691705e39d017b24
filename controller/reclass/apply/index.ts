// controller/reclass/apply: ApplyRecommendation — reassign, resize, move, new
// VM, through the planner and quotas. Checks (state, staleness, quota, room)
// come first and write nothing when they refuse; a dry run stops there. Then
// the record is scheduled, or set applying and carried out after the answer (run.ts).
import { FailedPreconditionError, InvalidArgumentError } from '../../../common/errors.js';
import { ApplyWhenEnum, recommendationToProto } from '../../../common/grpc/convert-reclass.js';
import { requireId } from '../../../common/validate.js';
import type { ApplyWhen } from '../../../common/model/reclass.js';
import type { ApplyRecommendationRequest__Output as Req } from '../../../common/gen/nephele/v1/ApplyRecommendationRequest.js';
import type { ApplyRecommendationResponse } from '../../../common/gen/nephele/v1/ApplyRecommendationResponse.js';
import { RECOMMENDATIONS, type RecommendationRecord } from '../../model/reclass.js';
import type { VmRecord } from '../../model/vm.js';
import { unaryRpc, type RpcLayer } from '../../rpc/handler.js';
import { VMS } from '../../vms/registry.js';
import type { ReclassDeps } from '../deps.js';
import type { Applier, Catalog, HostFeatures, Manifests, ReclassPolicies, Recommendations, Scope } from '../ports.js';
import type { ApplyHandlers } from '../service.js';
import { planSteps, scheduleOf, staleReason, stateProblem } from './decide.js';
import { Runner } from './run.js';

export interface ApplyPart {
  applier: Applier;
  handlers(layer: RpcLayer): ApplyHandlers;
}

type ApplyDeps = ReclassDeps & {
  recommendations: Recommendations;
  catalog: Catalog;
  hostFeatures: HostFeatures;
  policies: ReclassPolicies;
  manifests: Manifests;
};

/** Records left applying by a controller that stopped mid-way are looked at in pages of this many. */
const RECOVER_SCAN = 10_000;

export async function startApply(d: ApplyDeps): Promise<ApplyPart> {
  // The planner's `features` constraint reads hosts the catalog's way.
  await d.planner.useHostFeatures(d.hostFeatures);
  const runner = new Runner({ ...d, requiredFeatures: (rec, vm) => requiredFeatures(d, rec, vm) });
  await failInterrupted(d, runner);
  const applier: Applier = { apply: (id, o, scope) => apply(d, runner, id, o, scope) };
  return {
    applier,
    handlers: (layer) => ({
      ApplyRecommendation: unaryRpc<Req, ApplyRecommendationResponse>(
        layer,
        'ReclassService.ApplyRecommendation',
        async (req, ctx) => {
          const id = requireId('id', req.id);
          const when = ApplyWhenEnum.optional(req.when, 'when') ?? 'now';
          const atUnixMs = Number(req.atUnixMs ?? 0);
          if (when === 'at' && (!Number.isSafeInteger(atUnixMs) || atUnixMs <= 0))
            throw new InvalidArgumentError('at_unix_ms', 'must be a time in Unix milliseconds when `when` is at');
          const principal = ctx.principal.id;
          const r = await applier.apply(id, { when, atUnixMs, dryRun: !!req.dryRun, principal }, ctx.scope);
          return { recommendation: recommendationToProto(r.rec), steps: r.steps };
        },
      ),
    }),
  };
}

/** Features the VM's new place must offer: the target's, and its manifest's required ones. */
async function requiredFeatures(d: ApplyDeps, rec: RecommendationRecord, vm: VmRecord): Promise<string[]> {
  const m = await d.manifests.of(vm).catch(() => undefined);
  return [...new Set([...rec.target.features, ...(m?.requiredFeatures ?? [])])];
}

async function apply(
  d: ApplyDeps,
  runner: Runner,
  id: string,
  o: { when: ApplyWhen; atUnixMs: number; dryRun: boolean; principal: string },
  scope: Scope,
) {
  const { rec, version } = await d.recommendations.get(id, scope);
  const bad = stateProblem(rec);
  if (bad) throw new FailedPreconditionError(`id: the recommendation cannot be applied: ${bad}`);
  const vm = (await d.store.get<VmRecord>(VMS, rec.vmId))?.value;
  const stale = staleReason(rec, vm);
  if (stale) {
    // Marked so (not on a dry run: it writes nothing), and never applied.
    if (!o.dryRun)
      await d.recommendations.update(
        { ...rec, state: 'stale', stateReason: stale, updatedUnixMs: d.clock.now() },
        version,
      );
    throw new FailedPreconditionError(`id: the recommendation is stale: ${stale}`);
  }
  if (!rec.applicable)
    throw new FailedPreconditionError(`id: the recommendation is not applicable: ${rec.notApplicableReason}`);
  // Quota and room, as the planner would find them now; nothing held, nothing written.
  await runner.check(rec, vm!);
  const steps = planSteps(rec);
  const now = d.clock.now();
  const win = o.when === 'maintenance_window' ? await d.policies.nextWindow(rec.setId, now) : undefined;
  const sched = scheduleOf(o.when, o.atUnixMs, now, win);
  if ('field' in sched) {
    if (sched.field === 'when') throw new FailedPreconditionError(`when: ${sched.problem}`);
    throw new InvalidArgumentError(sched.field, sched.problem);
  }
  if (o.dryRun) return { rec, steps };
  const next: RecommendationRecord = {
    ...rec,
    state: sched.state,
    stateReason: sched.state === 'scheduled' ? 'scheduled' : 'applying',
    scheduledUnixMs: sched.state === 'scheduled' ? sched.atUnixMs : rec.scheduledUnixMs,
    when: o.when,
    updatedUnixMs: now,
  };
  await d.recommendations.update(next, version);
  await d.events.append({
    type: sched.state === 'scheduled' ? 'reclass.apply.scheduled' : 'reclass.apply.started',
    message: sched.state === 'scheduled' ? 'reclassification scheduled' : 'reclassification started',
    tenant: rec.tenant,
    actor: o.principal,
    attributes: {
      vm_id: rec.vmId,
      recommendation_id: rec.id,
      kind: rec.kind,
      ...(sched.state === 'scheduled' ? { at_unix_ms: String(sched.atUnixMs) } : {}),
    },
  });
  d.log.info({ vm_id: rec.vmId, recommendation_id: rec.id, kind: rec.kind, state: next.state }, 'reclassification');
  // The answer carries the plan as it stands now; run() moves its own copy along.
  if (sched.state === 'applying') void runner.run(next, vm!, structuredClone(steps));
  return { rec: next, steps };
}

/**
 * A controller that stopped while a recommendation was applying cannot know
 * which step it reached: the record is failed (with that reason), never left
 * applying. The VM itself is whatever the planner made of it.
 */
async function failInterrupted(d: ApplyDeps, runner: Runner): Promise<void> {
  let seen = 0;
  for await (const { value } of d.store.scan<RecommendationRecord>(RECOMMENDATIONS)) {
    if (++seen > RECOVER_SCAN) break;
    if (value.state !== 'applying') continue;
    d.log.warn({ vm_id: value.vmId, recommendation_id: value.id }, 'reclassification interrupted by a restart');
    await runner
      .finish(value, 'failed', 'interrupted: the controller restarted while it was applying', '')
      .catch((err) =>
        d.log.error({ err, recommendation_id: value.id }, 'could not fail an interrupted reclassification'),
      );
  }
}
