// Original file: proto/nephele/v1/usage.proto

import type { UsageFilter as _nephele_v1_UsageFilter, UsageFilter__Output as _nephele_v1_UsageFilter__Output } from '../../nephele/v1/UsageFilter.js';
import type { UsageGranularity as _nephele_v1_UsageGranularity, UsageGranularity__Output as _nephele_v1_UsageGranularity__Output } from '../../nephele/v1/UsageGranularity.js';

export interface QueryUsageRequest {
  'filter'?: (_nephele_v1_UsageFilter | null);
  'granularity'?: (_nephele_v1_UsageGranularity);
  'groupBy'?: (string)[];
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface QueryUsageRequest__Output {
  'filter': (_nephele_v1_UsageFilter__Output | null);
  'granularity': (_nephele_v1_UsageGranularity__Output);
  'groupBy': (string)[];
  'pageSize': (number);
  'pageToken': (string);
}
