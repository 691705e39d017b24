// Original file: proto/nephele/v1/scheme.proto


export interface ListTopicsRequest {
  'tenant'?: (string);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListTopicsRequest__Output {
  'tenant': (string);
  'pageSize': (number);
  'pageToken': (string);
}
