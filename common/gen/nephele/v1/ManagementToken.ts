// Original file: proto/nephele/v1/token.proto

import type { ConfigChange as _nephele_v1_ConfigChange, ConfigChange__Output as _nephele_v1_ConfigChange__Output } from '../../nephele/v1/ConfigChange.js';
import type { Long } from '@grpc/proto-loader';

export interface ManagementToken {
  'tokenId'?: (string);
  'tenant'?: (string);
  'vmId'?: (string);
  'setId'?: (string);
  'live'?: (boolean);
  'createdUnixMs'?: (number | string | Long);
  'endedUnixMs'?: (number | string | Long);
  'configVersion'?: (number);
  'changes'?: (_nephele_v1_ConfigChange)[];
  'cycleId'?: (string);
}

export interface ManagementToken__Output {
  'tokenId': (string);
  'tenant': (string);
  'vmId': (string);
  'setId': (string);
  'live': (boolean);
  'createdUnixMs': (number);
  'endedUnixMs': (number);
  'configVersion': (number);
  'changes': (_nephele_v1_ConfigChange__Output)[];
  'cycleId': (string);
}
