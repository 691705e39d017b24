// Original file: proto/nephele/v1/host.proto


export interface CreateGroupRequest {
  'name'?: (string);
  'description'?: (string);
  'requestId'?: (string);
}

export interface CreateGroupRequest__Output {
  'name': (string);
  'description': (string);
  'requestId': (string);
}
