// Original file: proto/nephele/v1/token.proto

import type { ImageFormat as _nephele_v1_ImageFormat, ImageFormat__Output as _nephele_v1_ImageFormat__Output } from '../../nephele/v1/ImageFormat.js';
import type { VmSpec as _nephele_v1_VmSpec, VmSpec__Output as _nephele_v1_VmSpec__Output } from '../../nephele/v1/VmSpec.js';
import type { ImageState as _nephele_v1_ImageState, ImageState__Output as _nephele_v1_ImageState__Output } from '../../nephele/v1/ImageState.js';
import type { Long } from '@grpc/proto-loader';

export interface Image {
  'id'?: (string);
  'name'?: (string);
  'tenant'?: (string);
  'scheme'?: (string);
  'format'?: (_nephele_v1_ImageFormat);
  'sizeBytes'?: (number | string | Long);
  'sha256'?: (string);
  'spec'?: (_nephele_v1_VmSpec | null);
  'manifest'?: ({[key: string]: string});
  'parentImageId'?: (string);
  'tokenId'?: (string);
  'setId'?: (string);
  'createdUnixMs'?: (number | string | Long);
  'state'?: (_nephele_v1_ImageState);
  'revokedUnixMs'?: (number | string | Long);
  'revokeReason'?: (string);
  'version'?: (number | string | Long);
  'sourceVmId'?: (string);
  'configVersion'?: (number);
}

export interface Image__Output {
  'id': (string);
  'name': (string);
  'tenant': (string);
  'scheme': (string);
  'format': (_nephele_v1_ImageFormat__Output);
  'sizeBytes': (number);
  'sha256': (string);
  'spec': (_nephele_v1_VmSpec__Output | null);
  'manifest': ({[key: string]: string});
  'parentImageId': (string);
  'tokenId': (string);
  'setId': (string);
  'createdUnixMs': (number);
  'state': (_nephele_v1_ImageState__Output);
  'revokedUnixMs': (number);
  'revokeReason': (string);
  'version': (number);
  'sourceVmId': (string);
  'configVersion': (number);
}
