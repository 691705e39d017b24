// Original file: proto/nephele/v1/reclass.proto


export interface AnalyzeRequest {
  'vmId'?: (string);
  'setId'?: (string);
  'tenant'?: (string);
  'windowHours'?: (number);
  'minDataHours'?: (number);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface AnalyzeRequest__Output {
  'vmId': (string);
  'setId': (string);
  'tenant': (string);
  'windowHours': (number);
  'minDataHours': (number);
  'pageSize': (number);
  'pageToken': (string);
}
