// Original file: proto/nephele/v1/token.proto

import type { ImageState as _nephele_v1_ImageState, ImageState__Output as _nephele_v1_ImageState__Output } from '../../nephele/v1/ImageState.js';
import type { Long } from '@grpc/proto-loader';

export interface ImageVersion {
  'imageId'?: (string);
  'parentImageId'?: (string);
  'tokenId'?: (string);
  'configVersion'?: (number);
  'createdUnixMs'?: (number | string | Long);
  'state'?: (_nephele_v1_ImageState);
}

export interface ImageVersion__Output {
  'imageId': (string);
  'parentImageId': (string);
  'tokenId': (string);
  'configVersion': (number);
  'createdUnixMs': (number);
  'state': (_nephele_v1_ImageState__Output);
}
