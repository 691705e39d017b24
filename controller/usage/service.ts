import type { UsageServiceHandlers } from '../../common/gen/nephele/v1/UsageService.js';
import { FailedPreconditionError } from '../../common/errors.js';
import { unaryRpc, type RpcLayer } from '../rpc/handler.js';
import { streamRpc } from '../rpc/stream.js';
import type { Usage } from './index.js';
import { queryHandlers } from './service-query.js';

// UsageService: the handler groups of the usage capability, each in its own
// module (query + rates, export + schedules, peers + backup plans), composed here.

/** RPCs whose group has not landed yet: admitted (authenticated, authorized, audited) and refused. TEMPORARY. */
function pending(layer: RpcLayer): UsageServiceHandlers {
  const no = () => {
    throw new FailedPreconditionError('usage metering is being built: this call is not available yet');
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- temporary stand-in for every request type
  const u = (name: string): any => unaryRpc(layer, `UsageService.${name}`, no);
  return {
    QueryUsage: u('QueryUsage'),
    ExportUsage: streamRpc(layer, 'UsageService.ExportUsage', no),
    CreateExportSchedule: u('CreateExportSchedule'),
    ListExportSchedules: u('ListExportSchedules'),
    DeleteExportSchedule: u('DeleteExportSchedule'),
    SetRateCard: u('SetRateCard'),
    GetRateCard: u('GetRateCard'),
    AddPeer: u('AddPeer'),
    ListPeers: u('ListPeers'),
    RemovePeer: u('RemovePeer'),
    PushUsage: u('PushUsage'),
    ImportUsage: u('ImportUsage'),
    GetBackupPlan: u('GetBackupPlan'),
    ApplyBackupPlan: u('ApplyBackupPlan'),
    FailoverBackup: u('FailoverBackup'),
  };
}

export function usageHandlers(layer: RpcLayer, groups: { query?: Usage } = {}): UsageServiceHandlers {
  return {
    ...pending(layer),
    ...(groups.query && queryHandlers(layer, groups.query.store, groups.query.rates)),
  };
}
