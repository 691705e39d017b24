// Original file: proto/nephele/v1/vm.proto


export interface ListVmsRequest {
  'pageSize'?: (number);
  'pageToken'?: (string);
  'hostId'?: (string);
  'tenant'?: (string);
}

export interface ListVmsRequest__Output {
  'pageSize': (number);
  'pageToken': (string);
  'hostId': (string);
  'tenant': (string);
}
