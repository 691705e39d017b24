// Original file: proto/nephele/v1/vm.proto


export interface GetPlanRequest {
  'setId'?: (string);
}

export interface GetPlanRequest__Output {
  'setId': (string);
}
