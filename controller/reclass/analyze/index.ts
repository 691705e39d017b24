// controller/reclass/analyze: usage series from the hourly rollups, percentiles,
// manifests, findings; the Analyze RPC.
import type { RpcLayer } from '../../rpc/handler.js';
import type { ReclassDeps } from '../deps.js';
import type { Analyzer, HostFeatures, Manifests } from '../ports.js';
import type { AnalyzeHandlers } from '../service.js';
import { createAnalyzer } from './analyzer.js';
import { createManifests } from './manifests.js';
import { analyzeHandlers } from './rpc.js';

export interface AnalyzePart {
  analyzer: Analyzer;
  manifests: Manifests;
  handlers(layer: RpcLayer): AnalyzeHandlers;
}

export async function startAnalyze(d: ReclassDeps & { hostFeatures: HostFeatures }): Promise<AnalyzePart> {
  const log = d.log.child({ part: 'reclass-analyze' });
  const manifests = createManifests({ commands: d.commands, images: d.images, clock: d.clock, log });
  const analyzer = createAnalyzer({ store: d.store, manifests, hostFeatures: d.hostFeatures });
  return {
    analyzer,
    manifests,
    handlers: (layer) => analyzeHandlers(layer, { analyzer, vms: d.vms, clock: d.clock }),
  };
}
