// Original file: proto/nephele/v1/auth.proto

import type { TokenKind as _nephele_v1_TokenKind, TokenKind__Output as _nephele_v1_TokenKind__Output } from '../../nephele/v1/TokenKind.js';
import type { HostKind as _nephele_v1_HostKind, HostKind__Output as _nephele_v1_HostKind__Output } from '../../nephele/v1/HostKind.js';

export interface CreateTokenRequest {
  'kind'?: (_nephele_v1_TokenKind);
  'ttlSeconds'?: (number);
  'description'?: (string);
  'hostKind'?: (_nephele_v1_HostKind);
  'requestId'?: (string);
  'role'?: (string);
  'tenant'?: (string);
  'grants'?: (string)[];
  'userGroup'?: (string);
}

export interface CreateTokenRequest__Output {
  'kind': (_nephele_v1_TokenKind__Output);
  'ttlSeconds': (number);
  'description': (string);
  'hostKind': (_nephele_v1_HostKind__Output);
  'requestId': (string);
  'role': (string);
  'tenant': (string);
  'grants': (string)[];
  'userGroup': (string);
}
