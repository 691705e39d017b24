// Original file: proto/nephele/v1/monitor.proto

import type { ControlAction as _nephele_v1_ControlAction, ControlAction__Output as _nephele_v1_ControlAction__Output } from '../../nephele/v1/ControlAction.js';

export interface ListControlActionsResponse {
  'actions'?: (_nephele_v1_ControlAction)[];
  'nextPageToken'?: (string);
}

export interface ListControlActionsResponse__Output {
  'actions': (_nephele_v1_ControlAction__Output)[];
  'nextPageToken': (string);
}
