// Original file: proto/nephele/v1/vm.proto


export interface ListVmSetsRequest {
  'pageSize'?: (number);
  'pageToken'?: (string);
  'tenant'?: (string);
}

export interface ListVmSetsRequest__Output {
  'pageSize': (number);
  'pageToken': (string);
  'tenant': (string);
}
