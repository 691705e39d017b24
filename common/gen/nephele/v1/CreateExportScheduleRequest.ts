// Original file: proto/nephele/v1/usage.proto

import type { ExportSchedule as _nephele_v1_ExportSchedule, ExportSchedule__Output as _nephele_v1_ExportSchedule__Output } from '../../nephele/v1/ExportSchedule.js';

export interface CreateExportScheduleRequest {
  'schedule'?: (_nephele_v1_ExportSchedule | null);
  'requestId'?: (string);
}

export interface CreateExportScheduleRequest__Output {
  'schedule': (_nephele_v1_ExportSchedule__Output | null);
  'requestId': (string);
}
