// Original file: proto/nephele/v1/token.proto

import type { UpdateCycle as _nephele_v1_UpdateCycle, UpdateCycle__Output as _nephele_v1_UpdateCycle__Output } from '../../nephele/v1/UpdateCycle.js';

export interface GetUpdateCycleResponse {
  'cycle'?: (_nephele_v1_UpdateCycle | null);
}

export interface GetUpdateCycleResponse__Output {
  'cycle': (_nephele_v1_UpdateCycle__Output | null);
}
