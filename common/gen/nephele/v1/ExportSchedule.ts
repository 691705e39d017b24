// Original file: proto/nephele/v1/usage.proto

import type { UsageFilter as _nephele_v1_UsageFilter, UsageFilter__Output as _nephele_v1_UsageFilter__Output } from '../../nephele/v1/UsageFilter.js';
import type { UsageGranularity as _nephele_v1_UsageGranularity, UsageGranularity__Output as _nephele_v1_UsageGranularity__Output } from '../../nephele/v1/UsageGranularity.js';
import type { ExportDestination as _nephele_v1_ExportDestination, ExportDestination__Output as _nephele_v1_ExportDestination__Output } from '../../nephele/v1/ExportDestination.js';
import type { Long } from '@grpc/proto-loader';

export interface ExportSchedule {
  'id'?: (string);
  'name'?: (string);
  'tenant'?: (string);
  'cron'?: (string);
  'filter'?: (_nephele_v1_UsageFilter | null);
  'format'?: (string);
  'focusVersion'?: (string);
  'granularity'?: (_nephele_v1_UsageGranularity);
  'destination'?: (_nephele_v1_ExportDestination | null);
  'createdUnixMs'?: (number | string | Long);
  'lastRunUnixMs'?: (number | string | Long);
  'lastStatus'?: (string);
  'lastRecords'?: (number | string | Long);
  'exportedUntilUnixMs'?: (number | string | Long);
  'lookbackS'?: (number);
}

export interface ExportSchedule__Output {
  'id': (string);
  'name': (string);
  'tenant': (string);
  'cron': (string);
  'filter': (_nephele_v1_UsageFilter__Output | null);
  'format': (string);
  'focusVersion': (string);
  'granularity': (_nephele_v1_UsageGranularity__Output);
  'destination': (_nephele_v1_ExportDestination__Output | null);
  'createdUnixMs': (number);
  'lastRunUnixMs': (number);
  'lastStatus': (string);
  'lastRecords': (number);
  'exportedUntilUnixMs': (number);
  'lookbackS': (number);
}
