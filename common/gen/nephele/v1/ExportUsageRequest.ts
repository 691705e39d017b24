// Original file: proto/nephele/v1/usage.proto

import type { UsageFilter as _nephele_v1_UsageFilter, UsageFilter__Output as _nephele_v1_UsageFilter__Output } from '../../nephele/v1/UsageFilter.js';
import type { UsageGranularity as _nephele_v1_UsageGranularity, UsageGranularity__Output as _nephele_v1_UsageGranularity__Output } from '../../nephele/v1/UsageGranularity.js';
import type { Long } from '@grpc/proto-loader';

export interface ExportUsageRequest {
  'filter'?: (_nephele_v1_UsageFilter | null);
  'format'?: (string);
  'focusVersion'?: (string);
  'granularity'?: (_nephele_v1_UsageGranularity);
  'rateCardVersion'?: (number | string | Long);
}

export interface ExportUsageRequest__Output {
  'filter': (_nephele_v1_UsageFilter__Output | null);
  'format': (string);
  'focusVersion': (string);
  'granularity': (_nephele_v1_UsageGranularity__Output);
  'rateCardVersion': (number);
}
