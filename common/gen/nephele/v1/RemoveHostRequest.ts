// Original file: proto/nephele/v1/host.proto


export interface RemoveHostRequest {
  'hostId'?: (string);
  'requestId'?: (string);
}

export interface RemoveHostRequest__Output {
  'hostId': (string);
  'requestId': (string);
}
