// Original file: proto/nephele/v1/auth.proto


export interface ListTenantsRequest {
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListTenantsRequest__Output {
  'pageSize': (number);
  'pageToken': (string);
}
