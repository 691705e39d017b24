// Original file: proto/nephele/v1/vm.proto


export interface ScaleVmSetRequest {
  'setId'?: (string);
  'count'?: (number);
  'requestId'?: (string);
}

export interface ScaleVmSetRequest__Output {
  'setId': (string);
  'count': (number);
  'requestId': (string);
}
