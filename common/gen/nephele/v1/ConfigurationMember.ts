// Original file: proto/nephele/v1/token.proto

import type { VmState as _nephele_v1_VmState, VmState__Output as _nephele_v1_VmState__Output } from '../../nephele/v1/VmState.js';
import type { Long } from '@grpc/proto-loader';

export interface ConfigurationMember {
  'vmId'?: (string);
  'name'?: (string);
  'hostId'?: (string);
  'address'?: (string);
  'state'?: (_nephele_v1_VmState);
  'management'?: (boolean);
  'expiresUnixMs'?: (number | string | Long);
}

export interface ConfigurationMember__Output {
  'vmId': (string);
  'name': (string);
  'hostId': (string);
  'address': (string);
  'state': (_nephele_v1_VmState__Output);
  'management': (boolean);
  'expiresUnixMs': (number);
}
