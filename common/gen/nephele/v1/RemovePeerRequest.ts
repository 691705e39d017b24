// Original file: proto/nephele/v1/usage.proto


export interface RemovePeerRequest {
  'name'?: (string);
  'requestId'?: (string);
}

export interface RemovePeerRequest__Output {
  'name': (string);
  'requestId': (string);
}
