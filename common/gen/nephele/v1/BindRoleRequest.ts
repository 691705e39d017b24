// Original file: proto/nephele/v1/auth.proto


export interface BindRoleRequest {
  'tokenId'?: (string);
  'role'?: (string);
  'tenant'?: (string);
  'requestId'?: (string);
  'grants'?: (string)[];
}

export interface BindRoleRequest__Output {
  'tokenId': (string);
  'role': (string);
  'tenant': (string);
  'requestId': (string);
  'grants': (string)[];
}
