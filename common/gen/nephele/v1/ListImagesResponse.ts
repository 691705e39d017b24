// Original file: proto/nephele/v1/token.proto

import type { Image as _nephele_v1_Image, Image__Output as _nephele_v1_Image__Output } from '../../nephele/v1/Image.js';

export interface ListImagesResponse {
  'images'?: (_nephele_v1_Image)[];
  'nextPageToken'?: (string);
}

export interface ListImagesResponse__Output {
  'images': (_nephele_v1_Image__Output)[];
  'nextPageToken': (string);
}
