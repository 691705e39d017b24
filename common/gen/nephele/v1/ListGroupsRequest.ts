// Original file: proto/nephele/v1/host.proto


export interface ListGroupsRequest {
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListGroupsRequest__Output {
  'pageSize': (number);
  'pageToken': (string);
}
