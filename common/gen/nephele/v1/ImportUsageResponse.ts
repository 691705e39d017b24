// Original file: proto/nephele/v1/usage.proto

import type { Long } from '@grpc/proto-loader';

export interface ImportUsageResponse {
  'imported'?: (number | string | Long);
  'duplicates'?: (number | string | Long);
}

export interface ImportUsageResponse__Output {
  'imported': (number);
  'duplicates': (number);
}
