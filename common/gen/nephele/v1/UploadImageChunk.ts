// Original file: proto/nephele/v1/token.proto

import type { UploadImageMeta as _nephele_v1_UploadImageMeta, UploadImageMeta__Output as _nephele_v1_UploadImageMeta__Output } from '../../nephele/v1/UploadImageMeta.js';
import type { Long } from '@grpc/proto-loader';

export interface UploadImageChunk {
  'meta'?: (_nephele_v1_UploadImageMeta | null);
  'data'?: (Buffer | Uint8Array | string);
  'offset'?: (number | string | Long);
  'last'?: (boolean);
  'sha256'?: (string);
}

export interface UploadImageChunk__Output {
  'meta': (_nephele_v1_UploadImageMeta__Output | null);
  'data': (Buffer);
  'offset': (number);
  'last': (boolean);
  'sha256': (string);
}
