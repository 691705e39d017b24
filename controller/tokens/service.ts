import type { TokenServiceHandlers } from '../../common/gen/nephele/v1/TokenService.js';
import { FailedPreconditionError } from '../../common/errors.js';
import type { RpcLayer } from '../rpc/handler.js';
import { unaryRpc } from '../rpc/handler.js';
import { streamRpc } from '../rpc/stream.js';
import type { ManagementHandlers } from './handlers.js';

type ImageHandlers = Pick<
  TokenServiceHandlers,
  'ListImages' | 'GetImage' | 'UploadImage' | 'DownloadImage' | 'RevokeImage' | 'GetImageLineage'
>;
type CycleHandlers = Pick<TokenServiceHandlers, 'UpdateVmSet' | 'GetUpdateCycle' | 'ListUpdateCycles'>;

/**
 * TokenService assembled from its parts: management instances (here), images
 * (controller/images) and update cycles (controller/tokens/cycle). A part not
 * given is a stand-in that admits and authorizes each call like the real one,
 * then refuses it.
 */
export function tokenHandlers(
  layer: RpcLayer,
  parts: { management?: ManagementHandlers; images?: ImageHandlers; cycles?: CycleHandlers } = {},
): TokenServiceHandlers {
  const no = () => Promise.reject(new FailedPreconditionError('this part of images and management is not built yet'));
  const u = (rpc: string) => unaryRpc(layer, `TokenService.${rpc}`, no);
  return {
    BeginManagement: u('BeginManagement'),
    ConfigureManagementInstance: u('ConfigureManagementInstance'),
    CaptureImage: u('CaptureImage'),
    EndManagement: u('EndManagement'),
    PopulateSet: u('PopulateSet'),
    GetConfigurationTable: u('GetConfigurationTable'),
    ...parts.management,
    UpdateVmSet: u('UpdateVmSet'),
    GetUpdateCycle: u('GetUpdateCycle'),
    ListUpdateCycles: u('ListUpdateCycles'),
    ...parts.cycles,
    ListImages: u('ListImages'),
    GetImage: u('GetImage'),
    UploadImage: streamRpc(layer, 'TokenService.UploadImage', no),
    DownloadImage: streamRpc(layer, 'TokenService.DownloadImage', no),
    RevokeImage: u('RevokeImage'),
    GetImageLineage: u('GetImageLineage'),
    ...parts.images,
  };
}
