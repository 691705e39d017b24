// Original file: proto/nephele/v1/token.proto

import type { ManagementToken as _nephele_v1_ManagementToken, ManagementToken__Output as _nephele_v1_ManagementToken__Output } from '../../nephele/v1/ManagementToken.js';

export interface ConfigureManagementInstanceResponse {
  'management'?: (_nephele_v1_ManagementToken | null);
}

export interface ConfigureManagementInstanceResponse__Output {
  'management': (_nephele_v1_ManagementToken__Output | null);
}
