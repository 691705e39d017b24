// Original file: proto/nephele/v1/token.proto

import type { Image as _nephele_v1_Image, Image__Output as _nephele_v1_Image__Output } from '../../nephele/v1/Image.js';

export interface RevokeImageResponse {
  'image'?: (_nephele_v1_Image | null);
  'flaggedVmIds'?: (string)[];
  'retiredSetIds'?: (string)[];
}

export interface RevokeImageResponse__Output {
  'image': (_nephele_v1_Image__Output | null);
  'flaggedVmIds': (string)[];
  'retiredSetIds': (string)[];
}
