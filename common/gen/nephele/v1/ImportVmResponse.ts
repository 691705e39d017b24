// Original file: proto/nephele/v1/scheme.proto

import type { Vm as _nephele_v1_Vm, Vm__Output as _nephele_v1_Vm__Output } from '../../nephele/v1/Vm.js';
import type { LossyField as _nephele_v1_LossyField, LossyField__Output as _nephele_v1_LossyField__Output } from '../../nephele/v1/LossyField.js';

export interface ImportVmResponse {
  'vm'?: (_nephele_v1_Vm | null);
  'lossy'?: (_nephele_v1_LossyField)[];
}

export interface ImportVmResponse__Output {
  'vm': (_nephele_v1_Vm__Output | null);
  'lossy': (_nephele_v1_LossyField__Output)[];
}
