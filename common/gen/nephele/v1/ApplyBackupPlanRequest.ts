// Original file: proto/nephele/v1/usage.proto

import type { GetBackupPlanRequest as _nephele_v1_GetBackupPlanRequest, GetBackupPlanRequest__Output as _nephele_v1_GetBackupPlanRequest__Output } from '../../nephele/v1/GetBackupPlanRequest.js';
import type { Sla as _nephele_v1_Sla, Sla__Output as _nephele_v1_Sla__Output } from '../../nephele/v1/Sla.js';

export interface ApplyBackupPlanRequest {
  'plan'?: (_nephele_v1_GetBackupPlanRequest | null);
  'sla'?: (_nephele_v1_Sla);
  'requestId'?: (string);
}

export interface ApplyBackupPlanRequest__Output {
  'plan': (_nephele_v1_GetBackupPlanRequest__Output | null);
  'sla': (_nephele_v1_Sla__Output);
  'requestId': (string);
}
