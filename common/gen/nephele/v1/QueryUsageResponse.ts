// Original file: proto/nephele/v1/usage.proto

import type { UsageRow as _nephele_v1_UsageRow, UsageRow__Output as _nephele_v1_UsageRow__Output } from '../../nephele/v1/UsageRow.js';

export interface QueryUsageResponse {
  'rows'?: (_nephele_v1_UsageRow)[];
  'nextPageToken'?: (string);
}

export interface QueryUsageResponse__Output {
  'rows': (_nephele_v1_UsageRow__Output)[];
  'nextPageToken': (string);
}
