// Original file: proto/nephele/v1/types.proto

import type { Quota as _nephele_v1_Quota, Quota__Output as _nephele_v1_Quota__Output } from '../../nephele/v1/Quota.js';
import type { Long } from '@grpc/proto-loader';

export interface Tenant {
  'name'?: (string);
  'description'?: (string);
  'createdUnixMs'?: (number | string | Long);
  'quota'?: (_nephele_v1_Quota | null);
  'usage'?: (_nephele_v1_Quota | null);
}

export interface Tenant__Output {
  'name': (string);
  'description': (string);
  'createdUnixMs': (number);
  'quota': (_nephele_v1_Quota__Output | null);
  'usage': (_nephele_v1_Quota__Output | null);
}
