// Original file: proto/nephele/v1/monitor.proto

import type { AppState as _nephele_v1_AppState, AppState__Output as _nephele_v1_AppState__Output } from '../../nephele/v1/AppState.js';

export interface ListAppliancesRequest {
  'setId'?: (string);
  'tenant'?: (string);
  'appState'?: (_nephele_v1_AppState);
  'hostId'?: (string);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListAppliancesRequest__Output {
  'setId': (string);
  'tenant': (string);
  'appState': (_nephele_v1_AppState__Output);
  'hostId': (string);
  'pageSize': (number);
  'pageToken': (string);
}
