// Original file: proto/nephele/v1/usage.proto

import type { ExportSchedule as _nephele_v1_ExportSchedule, ExportSchedule__Output as _nephele_v1_ExportSchedule__Output } from '../../nephele/v1/ExportSchedule.js';

export interface ListExportSchedulesResponse {
  'schedules'?: (_nephele_v1_ExportSchedule)[];
  'nextPageToken'?: (string);
}

export interface ListExportSchedulesResponse__Output {
  'schedules': (_nephele_v1_ExportSchedule__Output)[];
  'nextPageToken': (string);
}
