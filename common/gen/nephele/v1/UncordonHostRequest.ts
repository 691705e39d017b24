// Original file: proto/nephele/v1/host.proto


export interface UncordonHostRequest {
  'hostId'?: (string);
  'requestId'?: (string);
}

export interface UncordonHostRequest__Output {
  'hostId': (string);
  'requestId': (string);
}
