// Original file: proto/nephele/v1/host.proto


export interface GetHostRequest {
  'hostId'?: (string);
}

export interface GetHostRequest__Output {
  'hostId': (string);
}
