// controller/reclass/apply: ApplyRecommendation — reassign, resize, move, new VM,
// through the planner and quotas. PLACEHOLDER until its owner lands it.
import { FailedPreconditionError } from '../../../common/errors.js';
import type { RpcLayer } from '../../rpc/handler.js';
import type { ReclassDeps } from '../deps.js';
import type { Applier, Catalog, HostFeatures, Manifests, ReclassPolicies, Recommendations } from '../ports.js';
import type { ApplyHandlers } from '../service.js';
import { todo } from '../stub.js';

export interface ApplyPart {
  applier: Applier;
  handlers(layer: RpcLayer): ApplyHandlers;
}

export async function startApply(
  _d: ReclassDeps & {
    recommendations: Recommendations;
    catalog: Catalog;
    hostFeatures: HostFeatures;
    policies: ReclassPolicies;
    manifests: Manifests;
  },
): Promise<ApplyPart> {
  return {
    applier: {
      apply: async () => {
        throw new FailedPreconditionError('reclassification is not built yet');
      },
    },
    handlers: (layer) => ({ ApplyRecommendation: todo(layer, 'ApplyRecommendation') }),
  };
}
