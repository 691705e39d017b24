// Original file: proto/nephele/v1/vm.proto


export interface StartVmRequest {
  'vmId'?: (string);
  'requestId'?: (string);
}

export interface StartVmRequest__Output {
  'vmId': (string);
  'requestId': (string);
}
