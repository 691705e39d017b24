// Original file: proto/nephele/v1/auth.proto

import type { Quota as _nephele_v1_Quota, Quota__Output as _nephele_v1_Quota__Output } from '../../nephele/v1/Quota.js';

export interface SetTenantQuotaRequest {
  'tenant'?: (string);
  'quota'?: (_nephele_v1_Quota | null);
  'requestId'?: (string);
  'updateMask'?: (string)[];
}

export interface SetTenantQuotaRequest__Output {
  'tenant': (string);
  'quota': (_nephele_v1_Quota__Output | null);
  'requestId': (string);
  'updateMask': (string)[];
}
