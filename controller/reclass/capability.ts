// Reclassification assembled for server.ts (issue 15): the catalog and policies,
// the analysis, the recommendations, their application, and ReclassService over them.
import type { RpcLayer } from '../rpc/handler.js';
import type { ReclassDeps } from './deps.js';
import { startClasses } from './classes/index.js';
import { startAnalyze } from './analyze/index.js';
import { startRecommend } from './recommend/index.js';
import { startApply } from './apply/index.js';
import { reclassHandlers } from './service.js';

export async function startReclassCapability(d: ReclassDeps) {
  const classes = await startClasses(d);
  const { catalog, hostFeatures, policies, notifier } = classes;
  const analyze = await startAnalyze({ ...d, hostFeatures });
  const recommend = await startRecommend({
    ...d,
    analyzer: analyze.analyzer,
    catalog,
    hostFeatures,
    notifier,
    identity: d.peerIdentity,
  });
  const { recommendations } = recommend;
  const apply = await startApply({
    ...d,
    recommendations,
    catalog,
    hostFeatures,
    policies,
    manifests: analyze.manifests,
  });
  await classes.start({ applier: apply.applier, recommendations, recommendAll: () => recommend.recommendAll() });
  return {
    handlers: (layer: RpcLayer) =>
      reclassHandlers({
        classes: classes.handlers(layer),
        analyze: analyze.handlers(layer),
        recommend: recommend.handlers(layer),
        apply: apply.handlers(layer),
      }),
    stop: () => classes.stop(),
  };
}
