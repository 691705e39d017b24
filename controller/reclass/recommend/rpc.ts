// Recommend, ListRecommendations, GetRecommendation, OfferTargets: thin
// handlers (validate, scope, call the run or the store, convert).
import type { RecommendRequest__Output } from '../../../common/gen/nephele/v1/RecommendRequest.js';
import type { ListRecommendationsRequest__Output } from '../../../common/gen/nephele/v1/ListRecommendationsRequest.js';
import type { GetRecommendationRequest__Output } from '../../../common/gen/nephele/v1/GetRecommendationRequest.js';
import type { OfferTargetsRequest__Output } from '../../../common/gen/nephele/v1/OfferTargetsRequest.js';
import { InvalidArgumentError } from '../../../common/errors.js';
import { RecommendationStateEnum, recommendationToProto } from '../../../common/grpc/convert-reclass.js';
import { ULID_RE } from '../../../common/ids.js';
import { optionalString, pageSize, requireId, requireName } from '../../../common/validate.js';
import { unaryRpc, type RpcLayer } from '../../rpc/handler.js';
import { analyzeOptions } from '../analyze/rpc.js';
import { MANIFEST_BUDGET_MS } from '../analyze/analyzer.js';
import { resolveScope, vmsInScope } from '../scope.js';
import type { RecommendHandlers } from '../service.js';
import { offerTargets } from './offer.js';
import { recommendVms, readFleet, type RunDeps } from './run.js';

export const DEFAULT_HEADROOM_PCT = 70;
/** VMs one Recommend call goes through (pages of 100); the fleet's cron run pages on without it. */
export const MAX_VMS_PER_CALL = 1000;

/** What a Recommend call made, recorded under its request_id. */
interface RunSummary {
  ids: string[];
  analyzed: number;
  skipped: number;
  unchanged: number;
}

const counts = (t: RunSummary) => ({
  analyzed: t.analyzed,
  skippedInsufficientData: t.skipped,
  unchanged: t.unchanged,
});

/** headroom_pct: default 70, strictly between 0 and 100. */
export function headroomArg(v: unknown): number {
  const n = Number(v ?? 0);
  if (n === 0) return DEFAULT_HEADROOM_PCT;
  if (!Number.isFinite(n) || n <= 0 || n >= 100)
    throw new InvalidArgumentError('headroom_pct', 'must be between 0 and 100 (exclusive)');
  return n;
}

export function recommendHandlers(layer: RpcLayer, d: RunDeps): RecommendHandlers {
  return {
    Recommend: unaryRpc(
      layer,
      'ReclassService.Recommend',
      async (req: RecommendRequest__Output, ctx) => {
        const opts = {
          ...analyzeOptions(req, d.clock.now()),
          bar: headroomArg(req.headroomPct),
          // One budget of agent round trips (manifests) for the whole call, over all its pages.
          agentsUntil: performance.now() + MANIFEST_BUDGET_MS,
        };
        const s = resolveScope({ vmId: req.vmId, setId: req.setId, tenant: req.tenant }, ctx.scope);
        const fleet = await readFleet(d);
        const total: RunSummary = { ids: [], analyzed: 0, skipped: 0, unchanged: 0 };
        const recs: ReturnType<typeof recommendationToProto>[] = [];
        let seen = 0;
        do {
          const page = await vmsInScope(d.vms, s, ctx.scope);
          const r = await recommendVms(d, page.vms, { ...opts, includePeers: req.includePeers }, fleet);
          recs.push(...r.recs.map(recommendationToProto));
          total.ids.push(...r.recs.map((x) => x.id));
          total.analyzed += r.analyzed;
          total.skipped += r.skipped;
          total.unchanged += r.unchanged;
          seen += page.vms.length;
          s.after = page.next;
        } while (s.after && seen < MAX_VMS_PER_CALL);
        // The call's request_id answers a retry with this run (what it made), not a second run.
        if (ctx.requestId) await d.events.commit({ ops: [], ref: JSON.stringify(total) });
        return { recommendations: recs, ...counts(total) };
      },
      async (ref, _req, ctx) => {
        const total = JSON.parse(ref) as RunSummary;
        const recs = await Promise.all(total.ids.map((id) => d.recs.get(id, ctx.scope).then((r) => r.rec)));
        return { recommendations: recs.map(recommendationToProto), ...counts(total) };
      },
    ),
    ListRecommendations: unaryRpc(
      layer,
      'ReclassService.ListRecommendations',
      async (req: ListRecommendationsRequest__Output, ctx) => {
        const tenant = req.tenant ? requireName('tenant', req.tenant) : undefined;
        // Another tenant's listing is empty for a scoped caller (NOT_FOUND would tell it exists).
        const only = ctx.scope ?? tenant;
        if (ctx.scope !== undefined && tenant !== undefined && tenant !== ctx.scope)
          return { recommendations: [], nextPageToken: '' };
        const after = optionalString('page_token', req.pageToken, 64);
        if (after && !ULID_RE.test(after))
          throw new InvalidArgumentError('page_token', 'is not a token this server issued');
        const state = RecommendationStateEnum.optional(req.state, 'state');
        const page = await d.recs.list({
          tenant: only,
          setId: req.setId ? requireId('set_id', req.setId) : undefined,
          vmId: req.vmId ? requireId('vm_id', req.vmId) : undefined,
          states: state ? [state] : req.allStates ? [...RecommendationStateEnum.values] : undefined,
          limit: pageSize(req.pageSize, 100, 1000),
          after,
        });
        return { recommendations: page.recs.map(recommendationToProto), nextPageToken: page.next };
      },
    ),
    GetRecommendation: unaryRpc(
      layer,
      'ReclassService.GetRecommendation',
      async (req: GetRecommendationRequest__Output, ctx) => {
        const id = requireId('id', req.id);
        return { recommendation: recommendationToProto((await d.recs.get(id, ctx.scope)).rec) };
      },
    ),
    OfferTargets: unaryRpc(layer, 'ReclassService.OfferTargets', async (req: OfferTargetsRequest__Output) =>
      offerTargets(d, req),
    ),
  };
}
