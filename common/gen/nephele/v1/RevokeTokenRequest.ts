// Original file: proto/nephele/v1/auth.proto


export interface RevokeTokenRequest {
  'tokenId'?: (string);
  'requestId'?: (string);
}

export interface RevokeTokenRequest__Output {
  'tokenId': (string);
  'requestId': (string);
}
