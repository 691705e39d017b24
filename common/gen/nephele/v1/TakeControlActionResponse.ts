// Original file: proto/nephele/v1/monitor.proto

import type { ControlAction as _nephele_v1_ControlAction, ControlAction__Output as _nephele_v1_ControlAction__Output } from '../../nephele/v1/ControlAction.js';

export interface TakeControlActionResponse {
  'action'?: (_nephele_v1_ControlAction | null);
}

export interface TakeControlActionResponse__Output {
  'action': (_nephele_v1_ControlAction__Output | null);
}
