// Original file: proto/nephele/v1/vm.proto

import type { Plan as _nephele_v1_Plan, Plan__Output as _nephele_v1_Plan__Output } from '../../nephele/v1/Plan.js';

export interface GetPlanResponse {
  'plan'?: (_nephele_v1_Plan | null);
}

export interface GetPlanResponse__Output {
  'plan': (_nephele_v1_Plan__Output | null);
}
