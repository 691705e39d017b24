// Original file: proto/nephele/v1/vm.proto


export interface DeleteVmSetRequest {
  'setId'?: (string);
  'requestId'?: (string);
}

export interface DeleteVmSetRequest__Output {
  'setId': (string);
  'requestId': (string);
}
