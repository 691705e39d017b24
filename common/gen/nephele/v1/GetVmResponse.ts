// Original file: proto/nephele/v1/vm.proto

import type { Vm as _nephele_v1_Vm, Vm__Output as _nephele_v1_Vm__Output } from '../../nephele/v1/Vm.js';

export interface GetVmResponse {
  'vm'?: (_nephele_v1_Vm | null);
}

export interface GetVmResponse__Output {
  'vm': (_nephele_v1_Vm__Output | null);
}
