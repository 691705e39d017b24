// Original file: proto/nephele/v1/auth.proto

import type { Tenant as _nephele_v1_Tenant, Tenant__Output as _nephele_v1_Tenant__Output } from '../../nephele/v1/Tenant.js';

export interface ListTenantsResponse {
  'tenants'?: (_nephele_v1_Tenant)[];
  'nextPageToken'?: (string);
}

export interface ListTenantsResponse__Output {
  'tenants': (_nephele_v1_Tenant__Output)[];
  'nextPageToken': (string);
}
