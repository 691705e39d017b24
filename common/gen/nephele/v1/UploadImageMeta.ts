// Original file: proto/nephele/v1/token.proto

import type { ImageFormat as _nephele_v1_ImageFormat, ImageFormat__Output as _nephele_v1_ImageFormat__Output } from '../../nephele/v1/ImageFormat.js';
import type { VmSpec as _nephele_v1_VmSpec, VmSpec__Output as _nephele_v1_VmSpec__Output } from '../../nephele/v1/VmSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface UploadImageMeta {
  'name'?: (string);
  'format'?: (_nephele_v1_ImageFormat);
  'scheme'?: (string);
  'spec'?: (_nephele_v1_VmSpec | null);
  'tenant'?: (string);
  'sizeBytes'?: (number | string | Long);
  'requestId'?: (string);
}

export interface UploadImageMeta__Output {
  'name': (string);
  'format': (_nephele_v1_ImageFormat__Output);
  'scheme': (string);
  'spec': (_nephele_v1_VmSpec__Output | null);
  'tenant': (string);
  'sizeBytes': (number);
  'requestId': (string);
}
