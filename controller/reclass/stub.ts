// A placeholder RPC while reclassification's parts are built (issue 15): guarded
// by the RPC table, answers FAILED_PRECONDITION. Removed once every part lands.
import { FailedPreconditionError } from '../../common/errors.js';
import { unaryRpc, type RpcLayer } from '../rpc/handler.js';

export const todo = (layer: RpcLayer, rpc: string) =>
  unaryRpc(layer, `ReclassService.${rpc}`, async () => {
    throw new FailedPreconditionError('reclassification is not built yet');
  });
