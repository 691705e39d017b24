import type { AgentServiceHandlers } from '../../common/gen/nephele/v1/AgentService.js';
import { NotFoundError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { RpcLayer } from '../rpc/handler.js';
import { streamRpc } from '../rpc/stream.js';
import type { ImageBlobs } from './blobs.js';
import type { Captures } from './captures.js';
import { hostNeeds, sendBlob } from './fetch.js';

export interface ImageAgentDeps {
  store: Store;
  blobs: ImageBlobs;
  captures: Captures;
  /** An upload lands in the data dir: refused while the store space alarm is raised. */
  alarm: () => Error | undefined;
  log: Logger;
}

// Agents' image calls: FetchImage (a base a VM desired on that host is cloned
// from) and PutImage (a capture the management side waits for, from its host).
export function imageAgentHandlers(
  layer: RpcLayer,
  d: ImageAgentDeps,
): Pick<AgentServiceHandlers, 'FetchImage' | 'PutImage'> {
  return {
    FetchImage: streamRpc(layer, 'AgentService.FetchImage', async (call, ctx) => {
      const hostId = ctx.principal.id;
      const sha256 = String(call.request?.sha256 ?? '');
      // A sha256 no VM of this host needs is as unknown as one never stored.
      if (!(await hostNeeds(d.store, hostId, sha256))) throw new NotFoundError('image');
      await sendBlob(call, d.blobs, d.store, sha256);
      d.log.info({ host_id: hostId, sha256 }, 'base image sent to a host');
    }),
    PutImage: streamRpc(layer, 'AgentService.PutImage', async (call, ctx) => {
      const alarm = d.alarm();
      if (alarm) throw alarm;
      const hostId = ctx.principal.id;
      const blob = await d.captures.receive(call, hostId);
      d.log.info({ host_id: hostId, size_bytes: blob.sizeBytes }, 'captured image received');
      return { sizeBytes: blob.sizeBytes, sha256: blob.sha256 };
    }),
  };
}
