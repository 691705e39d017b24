// Original file: proto/nephele/v1/types.proto

import type { TokenKind as _nephele_v1_TokenKind, TokenKind__Output as _nephele_v1_TokenKind__Output } from '../../nephele/v1/TokenKind.js';
import type { HostKind as _nephele_v1_HostKind, HostKind__Output as _nephele_v1_HostKind__Output } from '../../nephele/v1/HostKind.js';
import type { Long } from '@grpc/proto-loader';

export interface Token {
  'id'?: (string);
  'kind'?: (_nephele_v1_TokenKind);
  'description'?: (string);
  'createdUnixMs'?: (number | string | Long);
  'expiresUnixMs'?: (number | string | Long);
  'revoked'?: (boolean);
  'usedUnixMs'?: (number | string | Long);
  'usedByHost'?: (string);
  'createdBy'?: (string);
  'hostKind'?: (_nephele_v1_HostKind);
  'role'?: (string);
  'tenant'?: (string);
  'grants'?: (string)[];
  'userGroup'?: (string);
}

export interface Token__Output {
  'id': (string);
  'kind': (_nephele_v1_TokenKind__Output);
  'description': (string);
  'createdUnixMs': (number);
  'expiresUnixMs': (number);
  'revoked': (boolean);
  'usedUnixMs': (number);
  'usedByHost': (string);
  'createdBy': (string);
  'hostKind': (_nephele_v1_HostKind__Output);
  'role': (string);
  'tenant': (string);
  'grants': (string)[];
  'userGroup': (string);
}
