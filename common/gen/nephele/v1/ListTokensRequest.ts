// Original file: proto/nephele/v1/auth.proto

import type { TokenKind as _nephele_v1_TokenKind, TokenKind__Output as _nephele_v1_TokenKind__Output } from '../../nephele/v1/TokenKind.js';

export interface ListTokensRequest {
  'pageSize'?: (number);
  'pageToken'?: (string);
  'kind'?: (_nephele_v1_TokenKind);
  'includeRevoked'?: (boolean);
  'tenant'?: (string);
}

export interface ListTokensRequest__Output {
  'pageSize': (number);
  'pageToken': (string);
  'kind': (_nephele_v1_TokenKind__Output);
  'includeRevoked': (boolean);
  'tenant': (string);
}
