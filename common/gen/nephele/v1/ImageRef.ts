// Original file: proto/nephele/v1/vm.proto

import type { ImageFormat as _nephele_v1_ImageFormat, ImageFormat__Output as _nephele_v1_ImageFormat__Output } from '../../nephele/v1/ImageFormat.js';
import type { Long } from '@grpc/proto-loader';

export interface ImageRef {
  'imageId'?: (string);
  'sha256'?: (string);
  'sizeBytes'?: (number | string | Long);
  'format'?: (_nephele_v1_ImageFormat);
  'bootImage'?: (string);
}

export interface ImageRef__Output {
  'imageId': (string);
  'sha256': (string);
  'sizeBytes': (number);
  'format': (_nephele_v1_ImageFormat__Output);
  'bootImage': (string);
}
