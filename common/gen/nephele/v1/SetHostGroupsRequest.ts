// Original file: proto/nephele/v1/host.proto


export interface SetHostGroupsRequest {
  'hostId'?: (string);
  'groups'?: (string)[];
  'requestId'?: (string);
}

export interface SetHostGroupsRequest__Output {
  'hostId': (string);
  'groups': (string)[];
  'requestId': (string);
}
