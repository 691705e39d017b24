// Original file: proto/nephele/v1/vm.proto


export interface SuspendVmRequest {
  'vmId'?: (string);
  'requestId'?: (string);
}

export interface SuspendVmRequest__Output {
  'vmId': (string);
  'requestId': (string);
}
