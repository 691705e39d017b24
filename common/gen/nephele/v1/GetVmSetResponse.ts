// Original file: proto/nephele/v1/vm.proto

import type { VmSet as _nephele_v1_VmSet, VmSet__Output as _nephele_v1_VmSet__Output } from '../../nephele/v1/VmSet.js';

export interface GetVmSetResponse {
  'set'?: (_nephele_v1_VmSet | null);
}

export interface GetVmSetResponse__Output {
  'set': (_nephele_v1_VmSet__Output | null);
}
