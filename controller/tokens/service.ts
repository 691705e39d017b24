import type { TokenServiceHandlers } from '../../common/gen/nephele/v1/TokenService.js';
import type { ManagementHandlers } from './handlers.js';

type ImageHandlers = Pick<
  TokenServiceHandlers,
  'ListImages' | 'GetImage' | 'UploadImage' | 'DownloadImage' | 'RevokeImage' | 'GetImageLineage'
>;
type CycleHandlers = Pick<TokenServiceHandlers, 'UpdateVmSet' | 'GetUpdateCycle' | 'ListUpdateCycles'>;

/**
 * TokenService assembled from its parts: management instances (here), images
 * (controller/images) and update cycles (controller/tokens/cycle). The types
 * make a missing RPC a compile error.
 */
export function tokenHandlers(parts: {
  management: ManagementHandlers;
  images: ImageHandlers;
  cycles: CycleHandlers;
}): TokenServiceHandlers {
  return { ...parts.management, ...parts.images, ...parts.cycles };
}
