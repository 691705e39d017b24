// Original file: proto/nephele/v1/vm.proto

import type { Vm as _nephele_v1_Vm, Vm__Output as _nephele_v1_Vm__Output } from '../../nephele/v1/Vm.js';

export interface MigrateVmResponse {
  'vm'?: (_nephele_v1_Vm | null);
  'fromHostId'?: (string);
}

export interface MigrateVmResponse__Output {
  'vm': (_nephele_v1_Vm__Output | null);
  'fromHostId': (string);
}
