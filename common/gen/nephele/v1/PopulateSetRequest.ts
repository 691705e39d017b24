// Original file: proto/nephele/v1/token.proto

import type { VmSetSpec as _nephele_v1_VmSetSpec, VmSetSpec__Output as _nephele_v1_VmSetSpec__Output } from '../../nephele/v1/VmSetSpec.js';

export interface PopulateSetRequest {
  'imageId'?: (string);
  'count'?: (number);
  'request'?: (_nephele_v1_VmSetSpec | null);
  'dryRun'?: (boolean);
  'requestId'?: (string);
}

export interface PopulateSetRequest__Output {
  'imageId': (string);
  'count': (number);
  'request': (_nephele_v1_VmSetSpec__Output | null);
  'dryRun': (boolean);
  'requestId': (string);
}
