// Original file: proto/nephele/v1/vm.proto


export interface GetVmSetRequest {
  'setId'?: (string);
}

export interface GetVmSetRequest__Output {
  'setId': (string);
}
