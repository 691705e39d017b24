// Original file: proto/nephele/v1/agent.proto


export interface GetDiskRequest {
  'transferId'?: (string);
}

export interface GetDiskRequest__Output {
  'transferId': (string);
}
