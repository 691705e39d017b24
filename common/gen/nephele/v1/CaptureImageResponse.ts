// Original file: proto/nephele/v1/token.proto

import type { Image as _nephele_v1_Image, Image__Output as _nephele_v1_Image__Output } from '../../nephele/v1/Image.js';

export interface CaptureImageResponse {
  'image'?: (_nephele_v1_Image | null);
}

export interface CaptureImageResponse__Output {
  'image': (_nephele_v1_Image__Output | null);
}
