// Original file: proto/nephele/v1/vm.proto

import type { VmSetSpec as _nephele_v1_VmSetSpec, VmSetSpec__Output as _nephele_v1_VmSetSpec__Output } from '../../nephele/v1/VmSetSpec.js';

export interface CreateVmSetRequest {
  'set'?: (_nephele_v1_VmSetSpec | null);
  'dryRun'?: (boolean);
  'requestId'?: (string);
}

export interface CreateVmSetRequest__Output {
  'set': (_nephele_v1_VmSetSpec__Output | null);
  'dryRun': (boolean);
  'requestId': (string);
}
