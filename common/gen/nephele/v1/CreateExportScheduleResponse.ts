// Original file: proto/nephele/v1/usage.proto

import type { ExportSchedule as _nephele_v1_ExportSchedule, ExportSchedule__Output as _nephele_v1_ExportSchedule__Output } from '../../nephele/v1/ExportSchedule.js';

export interface CreateExportScheduleResponse {
  'schedule'?: (_nephele_v1_ExportSchedule | null);
}

export interface CreateExportScheduleResponse__Output {
  'schedule': (_nephele_v1_ExportSchedule__Output | null);
}
