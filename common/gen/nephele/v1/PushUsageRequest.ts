// Original file: proto/nephele/v1/usage.proto

import type { UsageFilter as _nephele_v1_UsageFilter, UsageFilter__Output as _nephele_v1_UsageFilter__Output } from '../../nephele/v1/UsageFilter.js';

export interface PushUsageRequest {
  'peer'?: (string);
  'filter'?: (_nephele_v1_UsageFilter | null);
  'requestId'?: (string);
}

export interface PushUsageRequest__Output {
  'peer': (string);
  'filter': (_nephele_v1_UsageFilter__Output | null);
  'requestId': (string);
}
