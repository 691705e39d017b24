// Response and request types the CLI uses, re-exported in one place.
export type { CreateTokenRequest } from '../../common/gen/nephele/v1/CreateTokenRequest.js';
export type { CreateTokenResponse__Output as CreateTokenResponse } from '../../common/gen/nephele/v1/CreateTokenResponse.js';
export type { RevokeTokenResponse__Output as RevokeTokenResponse } from '../../common/gen/nephele/v1/RevokeTokenResponse.js';
export type { ListTokensResponse__Output as ListTokensResponse } from '../../common/gen/nephele/v1/ListTokensResponse.js';
export type { ListHostsResponse__Output as ListHostsResponse } from '../../common/gen/nephele/v1/ListHostsResponse.js';
export type { GetHostResponse__Output as GetHostResponse } from '../../common/gen/nephele/v1/GetHostResponse.js';
export type { CordonHostResponse__Output as CordonHostResponse } from '../../common/gen/nephele/v1/CordonHostResponse.js';
export type { UncordonHostResponse__Output as UncordonHostResponse } from '../../common/gen/nephele/v1/UncordonHostResponse.js';
export type { SetHostGroupsResponse__Output as SetHostGroupsResponse } from '../../common/gen/nephele/v1/SetHostGroupsResponse.js';
export type { CreateGroupResponse__Output as CreateGroupResponse } from '../../common/gen/nephele/v1/CreateGroupResponse.js';
export type { ListGroupsResponse__Output as ListGroupsResponse } from '../../common/gen/nephele/v1/ListGroupsResponse.js';
export type { ListEventsResponse__Output as ListEventsResponse } from '../../common/gen/nephele/v1/ListEventsResponse.js';
export type { BindRoleResponse__Output as BindRoleResponse } from '../../common/gen/nephele/v1/BindRoleResponse.js';
export type { CreateTenantResponse__Output as CreateTenantResponse } from '../../common/gen/nephele/v1/CreateTenantResponse.js';
export type { ListTenantsResponse__Output as ListTenantsResponse } from '../../common/gen/nephele/v1/ListTenantsResponse.js';
export type { SetTenantQuotaResponse__Output as SetTenantQuotaResponse } from '../../common/gen/nephele/v1/SetTenantQuotaResponse.js';
export type { RevokeHostResponse__Output as RevokeHostResponse } from '../../common/gen/nephele/v1/RevokeHostResponse.js';
