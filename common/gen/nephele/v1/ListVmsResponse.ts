// Original file: proto/nephele/v1/vm.proto

import type { Vm as _nephele_v1_Vm, Vm__Output as _nephele_v1_Vm__Output } from '../../nephele/v1/Vm.js';

export interface ListVmsResponse {
  'vms'?: (_nephele_v1_Vm)[];
  'nextPageToken'?: (string);
}

export interface ListVmsResponse__Output {
  'vms': (_nephele_v1_Vm__Output)[];
  'nextPageToken': (string);
}
