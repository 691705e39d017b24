// Original file: proto/nephele/v1/vm.proto


export interface DestroyVmRequest {
  'vmId'?: (string);
  'requestId'?: (string);
  'force'?: (boolean);
}

export interface DestroyVmRequest__Output {
  'vmId': (string);
  'requestId': (string);
  'force': (boolean);
}
