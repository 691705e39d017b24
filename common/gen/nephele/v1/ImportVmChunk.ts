// Original file: proto/nephele/v1/scheme.proto

import type { ImportVmMeta as _nephele_v1_ImportVmMeta, ImportVmMeta__Output as _nephele_v1_ImportVmMeta__Output } from '../../nephele/v1/ImportVmMeta.js';
import type { Long } from '@grpc/proto-loader';

export interface ImportVmChunk {
  'meta'?: (_nephele_v1_ImportVmMeta | null);
  'data'?: (Buffer | Uint8Array | string);
  'offset'?: (number | string | Long);
  'last'?: (boolean);
  'sha256'?: (string);
}

export interface ImportVmChunk__Output {
  'meta': (_nephele_v1_ImportVmMeta__Output | null);
  'data': (Buffer);
  'offset': (number);
  'last': (boolean);
  'sha256': (string);
}
