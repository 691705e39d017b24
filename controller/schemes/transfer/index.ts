// The transfers part of SchemeService (issue 16): ImportVm and ExportVm, thin
// handlers over imports (import.ts) and exports (export.ts).
import type { ServerReadableStream, ServerWritableStream } from '@grpc/grpc-js';
import type { ExportVmChunk } from '../../../common/gen/nephele/v1/ExportVmChunk.js';
import type { ExportVmRequest__Output } from '../../../common/gen/nephele/v1/ExportVmRequest.js';
import type { ImportVmChunk__Output } from '../../../common/gen/nephele/v1/ImportVmChunk.js';
import type { ImportVmResponse } from '../../../common/gen/nephele/v1/ImportVmResponse.js';
import { lossyToProto } from '../../../common/grpc/convert-scheme.js';
import { MAX_DISK_BYTES } from '../../vms/transfers.js';
import type { RpcLayer } from '../../rpc/handler.js';
import { streamRpc } from '../../rpc/stream.js';
import type { SchemeDeps } from '../deps.js';
import { Scratch } from '../disk/scratch.js';
import type { TransferHandlers } from '../service.js';
import type { TransferDeps } from './deps.js';
import { Exports } from './export.js';
import { Imports } from './import.js';

export const IMPORT_IDLE_MS = 60_000;
export const EXPORT_WAIT_MS = 10 * 60_000;

export function startTransfers(d: SchemeDeps, o: Partial<TransferDeps> = {}) {
  const deps: TransferDeps = {
    ...d,
    push: (hostId) => d.sessions.pushDesired(hostId),
    scratch: new Scratch(d.dataDir),
    maxDiskBytes: MAX_DISK_BYTES,
    idleMs: IMPORT_IDLE_MS,
    maxAtOnce: 2,
    exportWaitMs: EXPORT_WAIT_MS,
    ...o,
  };
  const imports = new Imports(deps);
  const exports = new Exports(deps);
  return {
    scratch: deps.scratch,
    handlers: (layer: RpcLayer): TransferHandlers => ({
      ImportVm: streamRpc(
        layer,
        'SchemeService.ImportVm',
        async (call: ServerReadableStream<ImportVmChunk__Output, ImportVmResponse>, ctx): Promise<ImportVmResponse> => {
          const alarm = d.alarm?.();
          if (alarm) throw alarm;
          const r = await imports.receive(call, ctx.scope);
          return { vm: d.vms.view(r.vm, r.version), lossy: r.lossy.map(lossyToProto) };
        },
      ),
      ExportVm: streamRpc(
        layer,
        'SchemeService.ExportVm',
        (call: ServerWritableStream<ExportVmRequest__Output, ExportVmChunk>, ctx) => exports.send(call, ctx.scope),
      ),
    }),
  };
}
