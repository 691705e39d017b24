// Original file: proto/nephele/v1/vm.proto


export interface StopVmRequest {
  'vmId'?: (string);
  'requestId'?: (string);
}

export interface StopVmRequest__Output {
  'vmId': (string);
  'requestId': (string);
}
