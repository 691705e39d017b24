// controller/reclass/recommend: candidates, the benefit simulation, ranking and
// anti-noise, recommendation records; Recommend/List/Get and OfferTargets.
// PLACEHOLDER until its owner lands it.
import { NotFoundError } from '../../../common/errors.js';
import type { RpcLayer } from '../../rpc/handler.js';
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
  _d: ReclassDeps & { analyzer: Analyzer; catalog: Catalog; hostFeatures: HostFeatures; notifier: Notifier },
): Promise<RecommendPart> {
  return {
    recommendations: {
      get: async () => {
        throw new NotFoundError('recommendation');
      },
      update: async () => undefined,
      due: async () => [],
    },
    recommendAll: async () => undefined,
    handlers: (layer) => ({
      Recommend: todo(layer, 'Recommend'),
      ListRecommendations: todo(layer, 'ListRecommendations'),
      GetRecommendation: todo(layer, 'GetRecommendation'),
      OfferTargets: todo(layer, 'OfferTargets'),
    }),
  };
}
