// Original file: proto/nephele/v1/usage.proto

import type { UsageRow as _nephele_v1_UsageRow, UsageRow__Output as _nephele_v1_UsageRow__Output } from '../../nephele/v1/UsageRow.js';

export interface ImportUsageRequest {
  'source'?: (string);
  'records'?: (_nephele_v1_UsageRow)[];
}

export interface ImportUsageRequest__Output {
  'source': (string);
  'records': (_nephele_v1_UsageRow__Output)[];
}
