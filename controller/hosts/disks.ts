import type { AgentServiceHandlers } from '../../common/gen/nephele/v1/AgentService.js';
import type { Logger } from '../../common/logger.js';
import type { RpcLayer } from '../rpc/handler.js';
import { streamRpc } from '../rpc/stream.js';
import type { DiskTransfers } from '../vms/transfers.js';

export interface DiskDeps {
  transfers: DiskTransfers;
  /** The upload of a cold move's disk is complete: the move goes on. */
  finishExport: (transferId: string) => Promise<void>;
  /** A disk upload lands in the data dir: while the store space alarm is raised, the reserve is not for it. */
  alarm: () => Error | undefined;
  log: Logger;
}

/** Disks relayed through the controller for cold moves (agents only dial it): admitted like every agent call. */
export function diskHandlers(layer: RpcLayer, d: DiskDeps): Pick<AgentServiceHandlers, 'PutDisk' | 'GetDisk'> {
  return {
    PutDisk: streamRpc(layer, 'AgentService.PutDisk', async (call, ctx) => {
      const alarm = d.alarm();
      if (alarm) throw alarm;
      const hostId = ctx.principal.id;
      const t = await d.transfers.receive(call, hostId);
      d.log.info(
        { host_id: hostId, vm_id: t.vmId, transfer_id: t.id, size_bytes: t.sizeBytes },
        'vm disk received for a cold move',
      );
      await d.finishExport(t.id);
      return { sizeBytes: t.sizeBytes, sha256: t.sha256 };
    }),
    GetDisk: streamRpc(layer, 'AgentService.GetDisk', (call, ctx) => d.transfers.send(call, ctx.principal.id)),
  };
}
