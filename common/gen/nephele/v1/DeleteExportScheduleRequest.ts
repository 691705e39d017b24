// Original file: proto/nephele/v1/usage.proto


export interface DeleteExportScheduleRequest {
  'scheduleId'?: (string);
  'requestId'?: (string);
}

export interface DeleteExportScheduleRequest__Output {
  'scheduleId': (string);
  'requestId': (string);
}
