// Original file: proto/nephele/v1/vm.proto


export interface RebootVmRequest {
  'vmId'?: (string);
  'requestId'?: (string);
}

export interface RebootVmRequest__Output {
  'vmId': (string);
  'requestId': (string);
}
