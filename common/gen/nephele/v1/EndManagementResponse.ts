// Original file: proto/nephele/v1/token.proto

import type { ManagementToken as _nephele_v1_ManagementToken, ManagementToken__Output as _nephele_v1_ManagementToken__Output } from '../../nephele/v1/ManagementToken.js';
import type { Vm as _nephele_v1_Vm, Vm__Output as _nephele_v1_Vm__Output } from '../../nephele/v1/Vm.js';

export interface EndManagementResponse {
  'management'?: (_nephele_v1_ManagementToken | null);
  'vm'?: (_nephele_v1_Vm | null);
}

export interface EndManagementResponse__Output {
  'management': (_nephele_v1_ManagementToken__Output | null);
  'vm': (_nephele_v1_Vm__Output | null);
}
