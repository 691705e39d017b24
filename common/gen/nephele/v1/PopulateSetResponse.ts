// Original file: proto/nephele/v1/token.proto

import type { VmSet as _nephele_v1_VmSet, VmSet__Output as _nephele_v1_VmSet__Output } from '../../nephele/v1/VmSet.js';
import type { Plan as _nephele_v1_Plan, Plan__Output as _nephele_v1_Plan__Output } from '../../nephele/v1/Plan.js';

export interface PopulateSetResponse {
  'set'?: (_nephele_v1_VmSet | null);
  'plan'?: (_nephele_v1_Plan | null);
}

export interface PopulateSetResponse__Output {
  'set': (_nephele_v1_VmSet__Output | null);
  'plan': (_nephele_v1_Plan__Output | null);
}
