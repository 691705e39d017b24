// Original file: proto/nephele/v1/auth.proto

import type { Token as _nephele_v1_Token, Token__Output as _nephele_v1_Token__Output } from '../../nephele/v1/Token.js';

export interface BindRoleResponse {
  'token'?: (_nephele_v1_Token | null);
}

export interface BindRoleResponse__Output {
  'token': (_nephele_v1_Token__Output | null);
}
