// Original file: proto/nephele/v1/reclass.proto

import type { ReclassPolicy as _nephele_v1_ReclassPolicy, ReclassPolicy__Output as _nephele_v1_ReclassPolicy__Output } from '../../nephele/v1/ReclassPolicy.js';

export interface GetReclassPolicyResponse {
  'policy'?: (_nephele_v1_ReclassPolicy | null);
}

export interface GetReclassPolicyResponse__Output {
  'policy': (_nephele_v1_ReclassPolicy__Output | null);
}
