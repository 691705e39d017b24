// Original file: proto/nephele/v1/token.proto


export interface EndManagementRequest {
  'token'?: (string);
  'requestId'?: (string);
}

export interface EndManagementRequest__Output {
  'token': (string);
  'requestId': (string);
}
