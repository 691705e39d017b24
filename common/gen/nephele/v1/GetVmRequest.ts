// Original file: proto/nephele/v1/vm.proto


export interface GetVmRequest {
  'vmId'?: (string);
}

export interface GetVmRequest__Output {
  'vmId': (string);
}
