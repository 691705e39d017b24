// Original file: proto/nephele/v1/usage.proto

import type { Long } from '@grpc/proto-loader';

export interface PushUsageResponse {
  'sent'?: (number | string | Long);
  'imported'?: (number | string | Long);
  'duplicates'?: (number | string | Long);
  'source'?: (string);
}

export interface PushUsageResponse__Output {
  'sent': (number);
  'imported': (number);
  'duplicates': (number);
  'source': (string);
}
