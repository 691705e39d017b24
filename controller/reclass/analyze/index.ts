// controller/reclass/analyze: usage series from the hourly rollups, percentiles,
// manifests, findings; the Analyze RPC. PLACEHOLDER until its owner lands it.
import type { RpcLayer } from '../../rpc/handler.js';
import type { ReclassDeps } from '../deps.js';
import type { Analyzer, HostFeatures, Manifests } from '../ports.js';
import type { AnalyzeHandlers } from '../service.js';
import { todo } from '../stub.js';

export interface AnalyzePart {
  analyzer: Analyzer;
  manifests: Manifests;
  handlers(layer: RpcLayer): AnalyzeHandlers;
}

export async function startAnalyze(_d: ReclassDeps & { hostFeatures: HostFeatures }): Promise<AnalyzePart> {
  return {
    analyzer: { analyze: async () => [], series: async () => undefined },
    manifests: { of: async () => undefined },
    handlers: (layer) => ({ Analyze: todo(layer, 'Analyze') }),
  };
}
