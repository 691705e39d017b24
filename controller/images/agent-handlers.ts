import type { AgentServiceHandlers } from '../../common/gen/nephele/v1/AgentService.js';
import { FailedPreconditionError } from '../../common/errors.js';
import type { RpcLayer } from '../rpc/handler.js';
import { streamRpc } from '../rpc/stream.js';

// Placeholder until the image store lands (issue 13, part C): agents' image
// calls are refused. Replaced by the image store's handlers.
export function imageAgentHandlers(layer: RpcLayer): Pick<AgentServiceHandlers, 'FetchImage' | 'PutImage'> {
  const refuse = () => Promise.reject(new FailedPreconditionError('this controller keeps no images yet'));
  return {
    FetchImage: streamRpc(layer, 'AgentService.FetchImage', refuse),
    PutImage: streamRpc(layer, 'AgentService.PutImage', refuse),
  };
}
