// Original file: proto/nephele/v1/agent.proto

import type { DesiredVm as _nephele_v1_DesiredVm, DesiredVm__Output as _nephele_v1_DesiredVm__Output } from '../../nephele/v1/DesiredVm.js';

export interface DesiredState {
  'vms'?: (_nephele_v1_DesiredVm)[];
}

export interface DesiredState__Output {
  'vms': (_nephele_v1_DesiredVm__Output)[];
}
