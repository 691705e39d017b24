// Original file: proto/nephele/v1/vm.proto


export interface GetConsoleRequest {
  'vmId'?: (string);
  'follow'?: (boolean);
  'tailBytes'?: (number);
}

export interface GetConsoleRequest__Output {
  'vmId': (string);
  'follow': (boolean);
  'tailBytes': (number);
}
