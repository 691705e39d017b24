// Original file: proto/nephele/v1/token.proto


export interface BeginManagementRequest {
  'setId'?: (string);
  'vmId'?: (string);
  'imageId'?: (string);
  'requestId'?: (string);
  'target'?: "setId"|"vmId"|"imageId";
}

export interface BeginManagementRequest__Output {
  'setId'?: (string);
  'vmId'?: (string);
  'imageId'?: (string);
  'requestId': (string);
  'target'?: "setId"|"vmId"|"imageId";
}
