// controller/reclass/recommend: candidates, the benefit simulation, ranking and
// anti-noise, recommendation records; Recommend/List/Get and OfferTargets.
// PLACEHOLDER until its owner lands it. (The apply helper made get/update and
// GetRecommendation store-backed so apply's tests run: take recommend's version.)
import { NotFoundError } from '../../../common/errors.js';
import { recommendationToProto } from '../../../common/grpc/convert-reclass.js';
import type { GetRecommendationResponse } from '../../../common/gen/nephele/v1/GetRecommendationResponse.js';
import { at, put } from '../../../common/store/index.js';
import { requireId } from '../../../common/validate.js';
import { RECOMMENDATIONS, type RecommendationRecord } from '../../model/reclass.js';
import { unaryRpc, type RpcLayer } from '../../rpc/handler.js';
import type { ReclassDeps } from '../deps.js';
import type { Analyzer, Catalog, HostFeatures, Notifier, Recommendations } from '../ports.js';
import type { RecommendHandlers } from '../service.js';
import { todo } from '../stub.js';

export interface RecommendPart {
  recommendations: Recommendations;
  /** One Recommend run over the whole fleet (the --reclass-schedule cron). */
  recommendAll(): Promise<void>;
  handlers(layer: RpcLayer): RecommendHandlers;
}

export async function startRecommend(
  d: ReclassDeps & { analyzer: Analyzer; catalog: Catalog; hostFeatures: HostFeatures; notifier: Notifier },
): Promise<RecommendPart> {
  const recommendations: Recommendations = {
    get: async (id, scope) => {
      const r = await d.store.get<RecommendationRecord>(RECOMMENDATIONS, id);
      if (!r || (scope !== undefined && r.value.tenant !== scope)) throw new NotFoundError('recommendation');
      return { rec: r.value, version: r.version };
    },
    update: async (next, version) => {
      await d.events.commit({
        ops: [put(RECOMMENDATIONS, next.id, next)],
        preconditions: [at(RECOMMENDATIONS, next.id, version)],
      });
    },
    due: async () => [],
  };
  return {
    recommendations,
    recommendAll: async () => undefined,
    handlers: (layer) => ({
      Recommend: todo(layer, 'Recommend'),
      ListRecommendations: todo(layer, 'ListRecommendations'),
      GetRecommendation: unaryRpc<{ id: string }, GetRecommendationResponse>(
        layer,
        'ReclassService.GetRecommendation',
        async (req, ctx) => {
          const { rec } = await recommendations.get(requireId('id', req.id), ctx.scope);
          return { recommendation: recommendationToProto(rec) };
        },
      ),
      OfferTargets: todo(layer, 'OfferTargets'),
    }),
  };
}
