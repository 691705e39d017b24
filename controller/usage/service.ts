import type { UsageServiceHandlers } from '../../common/gen/nephele/v1/UsageService.js';
import type { RpcLayer } from '../rpc/handler.js';
import type { Usage } from './index.js';
import { exportHandlers, type ExportDeps } from './service-export.js';
import { peerHandlers, type PeerDeps } from './service-peers.js';
import { queryHandlers } from './service-query.js';

// UsageService: the handler groups of the usage capability, each in its own
// module (query + rates, export + schedules, peers + backup plans), composed here.

export function usageHandlers(
  layer: RpcLayer,
  groups: { query: Usage; export: ExportDeps; peers: PeerDeps },
): UsageServiceHandlers {
  return {
    ...queryHandlers(layer, groups.query.store, groups.query.rates),
    ...exportHandlers(layer, groups.export),
    ...peerHandlers(layer, groups.peers),
  };
}
