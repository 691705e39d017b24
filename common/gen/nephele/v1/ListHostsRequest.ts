// Original file: proto/nephele/v1/host.proto

import type { HostState as _nephele_v1_HostState, HostState__Output as _nephele_v1_HostState__Output } from '../../nephele/v1/HostState.js';
import type { HostKind as _nephele_v1_HostKind, HostKind__Output as _nephele_v1_HostKind__Output } from '../../nephele/v1/HostKind.js';
import type { HostView as _nephele_v1_HostView, HostView__Output as _nephele_v1_HostView__Output } from '../../nephele/v1/HostView.js';

export interface ListHostsRequest {
  'pageSize'?: (number);
  'pageToken'?: (string);
  'group'?: (string);
  'state'?: (_nephele_v1_HostState);
  'kind'?: (_nephele_v1_HostKind);
  'view'?: (_nephele_v1_HostView);
}

export interface ListHostsRequest__Output {
  'pageSize': (number);
  'pageToken': (string);
  'group': (string);
  'state': (_nephele_v1_HostState__Output);
  'kind': (_nephele_v1_HostKind__Output);
  'view': (_nephele_v1_HostView__Output);
}
