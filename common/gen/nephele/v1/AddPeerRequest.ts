// Original file: proto/nephele/v1/usage.proto


export interface AddPeerRequest {
  'name'?: (string);
  'address'?: (string);
  'caPem'?: (string);
  'token'?: (string);
  'requestId'?: (string);
}

export interface AddPeerRequest__Output {
  'name': (string);
  'address': (string);
  'caPem': (string);
  'token': (string);
  'requestId': (string);
}
