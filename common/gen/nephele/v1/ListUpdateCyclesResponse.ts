// Original file: proto/nephele/v1/token.proto

import type { UpdateCycle as _nephele_v1_UpdateCycle, UpdateCycle__Output as _nephele_v1_UpdateCycle__Output } from '../../nephele/v1/UpdateCycle.js';

export interface ListUpdateCyclesResponse {
  'cycles'?: (_nephele_v1_UpdateCycle)[];
  'nextPageToken'?: (string);
}

export interface ListUpdateCyclesResponse__Output {
  'cycles': (_nephele_v1_UpdateCycle__Output)[];
  'nextPageToken': (string);
}
