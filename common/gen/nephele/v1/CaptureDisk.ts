// Original file: proto/nephele/v1/agent.proto


export interface CaptureDisk {
  'transferId'?: (string);
}

export interface CaptureDisk__Output {
  'transferId': (string);
}
