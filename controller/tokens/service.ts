import type { TokenServiceHandlers } from '../../common/gen/nephele/v1/TokenService.js';
import { FailedPreconditionError } from '../../common/errors.js';
import type { RpcLayer } from '../rpc/handler.js';
import { unaryRpc } from '../rpc/handler.js';
import { streamRpc } from '../rpc/stream.js';

// Placeholder while issue 13 is built in parts: every TokenService call is
// admitted and authorized like the real ones, then refused. Replaced by the
// assembled handlers (management, images, update cycles).
export function tokenHandlers(layer: RpcLayer): TokenServiceHandlers {
  const no = () => Promise.reject(new FailedPreconditionError('images and management instances are not built yet'));
  const u = (rpc: string) => unaryRpc(layer, `TokenService.${rpc}`, no);
  return {
    BeginManagement: u('BeginManagement'),
    ConfigureManagementInstance: u('ConfigureManagementInstance'),
    CaptureImage: u('CaptureImage'),
    EndManagement: u('EndManagement'),
    PopulateSet: u('PopulateSet'),
    UpdateVmSet: u('UpdateVmSet'),
    GetUpdateCycle: u('GetUpdateCycle'),
    ListUpdateCycles: u('ListUpdateCycles'),
    GetConfigurationTable: u('GetConfigurationTable'),
    ListImages: u('ListImages'),
    GetImage: u('GetImage'),
    UploadImage: streamRpc(layer, 'TokenService.UploadImage', no),
    DownloadImage: streamRpc(layer, 'TokenService.DownloadImage', no),
    RevokeImage: u('RevokeImage'),
    GetImageLineage: u('GetImageLineage'),
  };
}
