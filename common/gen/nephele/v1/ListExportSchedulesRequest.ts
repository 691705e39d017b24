// Original file: proto/nephele/v1/usage.proto


export interface ListExportSchedulesRequest {
  'pageSize'?: (number);
  'pageToken'?: (string);
  'tenant'?: (string);
}

export interface ListExportSchedulesRequest__Output {
  'pageSize': (number);
  'pageToken': (string);
  'tenant': (string);
}
