// Original file: proto/nephele/v1/host.proto


export interface DrainHostRequest {
  'hostId'?: (string);
  'reason'?: (string);
  'requestId'?: (string);
}

export interface DrainHostRequest__Output {
  'hostId': (string);
  'reason': (string);
  'requestId': (string);
}
