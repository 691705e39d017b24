// Original file: proto/nephele/v1/host.proto


export interface RevokeHostRequest {
  'hostId'?: (string);
  'reason'?: (string);
  'requestId'?: (string);
}

export interface RevokeHostRequest__Output {
  'hostId': (string);
  'reason': (string);
  'requestId': (string);
}
