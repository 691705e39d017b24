// Original file: proto/nephele/v1/vm.proto

import type { VmState as _nephele_v1_VmState, VmState__Output as _nephele_v1_VmState__Output } from '../../nephele/v1/VmState.js';

export interface ListVmsRequest {
  'pageSize'?: (number);
  'pageToken'?: (string);
  'hostId'?: (string);
  'tenant'?: (string);
  'setId'?: (string);
  'state'?: (_nephele_v1_VmState);
}

export interface ListVmsRequest__Output {
  'pageSize': (number);
  'pageToken': (string);
  'hostId': (string);
  'tenant': (string);
  'setId': (string);
  'state': (_nephele_v1_VmState__Output);
}
