// Original file: proto/nephele/v1/host.proto


export interface CordonHostRequest {
  'hostId'?: (string);
  'reason'?: (string);
  'requestId'?: (string);
}

export interface CordonHostRequest__Output {
  'hostId': (string);
  'reason': (string);
  'requestId': (string);
}
