// Original file: proto/nephele/v1/host.proto

import type { HostView as _nephele_v1_HostView, HostView__Output as _nephele_v1_HostView__Output } from '../../nephele/v1/HostView.js';

export interface GetHostRequest {
  'hostId'?: (string);
  'view'?: (_nephele_v1_HostView);
}

export interface GetHostRequest__Output {
  'hostId': (string);
  'view': (_nephele_v1_HostView__Output);
}
