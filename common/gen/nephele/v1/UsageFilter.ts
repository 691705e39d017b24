// Original file: proto/nephele/v1/usage.proto

import type { Long } from '@grpc/proto-loader';

export interface UsageFilter {
  'tenant'?: (string);
  'app'?: (string);
  'userGroup'?: (string);
  'setId'?: (string);
  'vmId'?: (string);
  'hostId'?: (string);
  'fromUnixMs'?: (number | string | Long);
  'toUnixMs'?: (number | string | Long);
  'source'?: (string);
}

export interface UsageFilter__Output {
  'tenant': (string);
  'app': (string);
  'userGroup': (string);
  'setId': (string);
  'vmId': (string);
  'hostId': (string);
  'fromUnixMs': (number);
  'toUnixMs': (number);
  'source': (string);
}
