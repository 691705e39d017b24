// Original file: proto/nephele/v1/vm.proto


export interface ResumeVmRequest {
  'vmId'?: (string);
  'requestId'?: (string);
}

export interface ResumeVmRequest__Output {
  'vmId': (string);
  'requestId': (string);
}
