// Original file: proto/nephele/v1/auth.proto

import type { Tenant as _nephele_v1_Tenant, Tenant__Output as _nephele_v1_Tenant__Output } from '../../nephele/v1/Tenant.js';

export interface DeleteTenantResponse {
  'tenant'?: (_nephele_v1_Tenant | null);
}

export interface DeleteTenantResponse__Output {
  'tenant': (_nephele_v1_Tenant__Output | null);
}
