// Original file: proto/nephele/v1/auth.proto

import type { Token as _nephele_v1_Token, Token__Output as _nephele_v1_Token__Output } from '../../nephele/v1/Token.js';

export interface ListTokensResponse {
  'tokens'?: (_nephele_v1_Token)[];
  'nextPageToken'?: (string);
}

export interface ListTokensResponse__Output {
  'tokens': (_nephele_v1_Token__Output)[];
  'nextPageToken': (string);
}
