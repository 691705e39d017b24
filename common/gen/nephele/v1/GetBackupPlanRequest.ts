// Original file: proto/nephele/v1/usage.proto

import type { Long } from '@grpc/proto-loader';

export interface GetBackupPlanRequest {
  'source'?: (string);
  'app'?: (string);
  'setId'?: (string);
  'percentile'?: (number | string);
  'headroom'?: (number | string);
  'fromUnixMs'?: (number | string | Long);
  'toUnixMs'?: (number | string | Long);
  'tenant'?: (string);
}

export interface GetBackupPlanRequest__Output {
  'source': (string);
  'app': (string);
  'setId': (string);
  'percentile': (number);
  'headroom': (number);
  'fromUnixMs': (number);
  'toUnixMs': (number);
  'tenant': (string);
}
