// Original file: proto/nephele/v1/auth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BindRoleRequest as _nephele_v1_BindRoleRequest, BindRoleRequest__Output as _nephele_v1_BindRoleRequest__Output } from '../../nephele/v1/BindRoleRequest.js';
import type { BindRoleResponse as _nephele_v1_BindRoleResponse, BindRoleResponse__Output as _nephele_v1_BindRoleResponse__Output } from '../../nephele/v1/BindRoleResponse.js';
import type { CreateTenantRequest as _nephele_v1_CreateTenantRequest, CreateTenantRequest__Output as _nephele_v1_CreateTenantRequest__Output } from '../../nephele/v1/CreateTenantRequest.js';
import type { CreateTenantResponse as _nephele_v1_CreateTenantResponse, CreateTenantResponse__Output as _nephele_v1_CreateTenantResponse__Output } from '../../nephele/v1/CreateTenantResponse.js';
import type { CreateTokenRequest as _nephele_v1_CreateTokenRequest, CreateTokenRequest__Output as _nephele_v1_CreateTokenRequest__Output } from '../../nephele/v1/CreateTokenRequest.js';
import type { CreateTokenResponse as _nephele_v1_CreateTokenResponse, CreateTokenResponse__Output as _nephele_v1_CreateTokenResponse__Output } from '../../nephele/v1/CreateTokenResponse.js';
import type { DeleteTenantRequest as _nephele_v1_DeleteTenantRequest, DeleteTenantRequest__Output as _nephele_v1_DeleteTenantRequest__Output } from '../../nephele/v1/DeleteTenantRequest.js';
import type { DeleteTenantResponse as _nephele_v1_DeleteTenantResponse, DeleteTenantResponse__Output as _nephele_v1_DeleteTenantResponse__Output } from '../../nephele/v1/DeleteTenantResponse.js';
import type { GetTenantRequest as _nephele_v1_GetTenantRequest, GetTenantRequest__Output as _nephele_v1_GetTenantRequest__Output } from '../../nephele/v1/GetTenantRequest.js';
import type { GetTenantResponse as _nephele_v1_GetTenantResponse, GetTenantResponse__Output as _nephele_v1_GetTenantResponse__Output } from '../../nephele/v1/GetTenantResponse.js';
import type { ListTenantsRequest as _nephele_v1_ListTenantsRequest, ListTenantsRequest__Output as _nephele_v1_ListTenantsRequest__Output } from '../../nephele/v1/ListTenantsRequest.js';
import type { ListTenantsResponse as _nephele_v1_ListTenantsResponse, ListTenantsResponse__Output as _nephele_v1_ListTenantsResponse__Output } from '../../nephele/v1/ListTenantsResponse.js';
import type { ListTokensRequest as _nephele_v1_ListTokensRequest, ListTokensRequest__Output as _nephele_v1_ListTokensRequest__Output } from '../../nephele/v1/ListTokensRequest.js';
import type { ListTokensResponse as _nephele_v1_ListTokensResponse, ListTokensResponse__Output as _nephele_v1_ListTokensResponse__Output } from '../../nephele/v1/ListTokensResponse.js';
import type { RevokeTokenRequest as _nephele_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _nephele_v1_RevokeTokenRequest__Output } from '../../nephele/v1/RevokeTokenRequest.js';
import type { RevokeTokenResponse as _nephele_v1_RevokeTokenResponse, RevokeTokenResponse__Output as _nephele_v1_RevokeTokenResponse__Output } from '../../nephele/v1/RevokeTokenResponse.js';
import type { SetTenantQuotaRequest as _nephele_v1_SetTenantQuotaRequest, SetTenantQuotaRequest__Output as _nephele_v1_SetTenantQuotaRequest__Output } from '../../nephele/v1/SetTenantQuotaRequest.js';
import type { SetTenantQuotaResponse as _nephele_v1_SetTenantQuotaResponse, SetTenantQuotaResponse__Output as _nephele_v1_SetTenantQuotaResponse__Output } from '../../nephele/v1/SetTenantQuotaResponse.js';

export interface AuthServiceClient extends grpc.Client {
  BindRole(argument: _nephele_v1_BindRoleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_BindRoleResponse__Output>): grpc.ClientUnaryCall;
  BindRole(argument: _nephele_v1_BindRoleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_BindRoleResponse__Output>): grpc.ClientUnaryCall;
  BindRole(argument: _nephele_v1_BindRoleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_BindRoleResponse__Output>): grpc.ClientUnaryCall;
  BindRole(argument: _nephele_v1_BindRoleRequest, callback: grpc.requestCallback<_nephele_v1_BindRoleResponse__Output>): grpc.ClientUnaryCall;
  bindRole(argument: _nephele_v1_BindRoleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_BindRoleResponse__Output>): grpc.ClientUnaryCall;
  bindRole(argument: _nephele_v1_BindRoleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_BindRoleResponse__Output>): grpc.ClientUnaryCall;
  bindRole(argument: _nephele_v1_BindRoleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_BindRoleResponse__Output>): grpc.ClientUnaryCall;
  bindRole(argument: _nephele_v1_BindRoleRequest, callback: grpc.requestCallback<_nephele_v1_BindRoleResponse__Output>): grpc.ClientUnaryCall;
  
  CreateTenant(argument: _nephele_v1_CreateTenantRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTenantResponse__Output>): grpc.ClientUnaryCall;
  CreateTenant(argument: _nephele_v1_CreateTenantRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateTenantResponse__Output>): grpc.ClientUnaryCall;
  CreateTenant(argument: _nephele_v1_CreateTenantRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTenantResponse__Output>): grpc.ClientUnaryCall;
  CreateTenant(argument: _nephele_v1_CreateTenantRequest, callback: grpc.requestCallback<_nephele_v1_CreateTenantResponse__Output>): grpc.ClientUnaryCall;
  createTenant(argument: _nephele_v1_CreateTenantRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTenantResponse__Output>): grpc.ClientUnaryCall;
  createTenant(argument: _nephele_v1_CreateTenantRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateTenantResponse__Output>): grpc.ClientUnaryCall;
  createTenant(argument: _nephele_v1_CreateTenantRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTenantResponse__Output>): grpc.ClientUnaryCall;
  createTenant(argument: _nephele_v1_CreateTenantRequest, callback: grpc.requestCallback<_nephele_v1_CreateTenantResponse__Output>): grpc.ClientUnaryCall;
  
  CreateToken(argument: _nephele_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _nephele_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _nephele_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _nephele_v1_CreateTokenRequest, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _nephele_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _nephele_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _nephele_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _nephele_v1_CreateTokenRequest, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteTenant(argument: _nephele_v1_DeleteTenantRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteTenantResponse__Output>): grpc.ClientUnaryCall;
  DeleteTenant(argument: _nephele_v1_DeleteTenantRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DeleteTenantResponse__Output>): grpc.ClientUnaryCall;
  DeleteTenant(argument: _nephele_v1_DeleteTenantRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteTenantResponse__Output>): grpc.ClientUnaryCall;
  DeleteTenant(argument: _nephele_v1_DeleteTenantRequest, callback: grpc.requestCallback<_nephele_v1_DeleteTenantResponse__Output>): grpc.ClientUnaryCall;
  deleteTenant(argument: _nephele_v1_DeleteTenantRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteTenantResponse__Output>): grpc.ClientUnaryCall;
  deleteTenant(argument: _nephele_v1_DeleteTenantRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DeleteTenantResponse__Output>): grpc.ClientUnaryCall;
  deleteTenant(argument: _nephele_v1_DeleteTenantRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteTenantResponse__Output>): grpc.ClientUnaryCall;
  deleteTenant(argument: _nephele_v1_DeleteTenantRequest, callback: grpc.requestCallback<_nephele_v1_DeleteTenantResponse__Output>): grpc.ClientUnaryCall;
  
  GetTenant(argument: _nephele_v1_GetTenantRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetTenantResponse__Output>): grpc.ClientUnaryCall;
  GetTenant(argument: _nephele_v1_GetTenantRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetTenantResponse__Output>): grpc.ClientUnaryCall;
  GetTenant(argument: _nephele_v1_GetTenantRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetTenantResponse__Output>): grpc.ClientUnaryCall;
  GetTenant(argument: _nephele_v1_GetTenantRequest, callback: grpc.requestCallback<_nephele_v1_GetTenantResponse__Output>): grpc.ClientUnaryCall;
  getTenant(argument: _nephele_v1_GetTenantRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetTenantResponse__Output>): grpc.ClientUnaryCall;
  getTenant(argument: _nephele_v1_GetTenantRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetTenantResponse__Output>): grpc.ClientUnaryCall;
  getTenant(argument: _nephele_v1_GetTenantRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetTenantResponse__Output>): grpc.ClientUnaryCall;
  getTenant(argument: _nephele_v1_GetTenantRequest, callback: grpc.requestCallback<_nephele_v1_GetTenantResponse__Output>): grpc.ClientUnaryCall;
  
  ListTenants(argument: _nephele_v1_ListTenantsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTenantsResponse__Output>): grpc.ClientUnaryCall;
  ListTenants(argument: _nephele_v1_ListTenantsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListTenantsResponse__Output>): grpc.ClientUnaryCall;
  ListTenants(argument: _nephele_v1_ListTenantsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTenantsResponse__Output>): grpc.ClientUnaryCall;
  ListTenants(argument: _nephele_v1_ListTenantsRequest, callback: grpc.requestCallback<_nephele_v1_ListTenantsResponse__Output>): grpc.ClientUnaryCall;
  listTenants(argument: _nephele_v1_ListTenantsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTenantsResponse__Output>): grpc.ClientUnaryCall;
  listTenants(argument: _nephele_v1_ListTenantsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListTenantsResponse__Output>): grpc.ClientUnaryCall;
  listTenants(argument: _nephele_v1_ListTenantsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTenantsResponse__Output>): grpc.ClientUnaryCall;
  listTenants(argument: _nephele_v1_ListTenantsRequest, callback: grpc.requestCallback<_nephele_v1_ListTenantsResponse__Output>): grpc.ClientUnaryCall;
  
  ListTokens(argument: _nephele_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _nephele_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _nephele_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _nephele_v1_ListTokensRequest, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _nephele_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _nephele_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _nephele_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _nephele_v1_ListTokensRequest, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  
  RevokeToken(argument: _nephele_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _nephele_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _nephele_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _nephele_v1_RevokeTokenRequest, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _nephele_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _nephele_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _nephele_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _nephele_v1_RevokeTokenRequest, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  
  SetTenantQuota(argument: _nephele_v1_SetTenantQuotaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetTenantQuotaResponse__Output>): grpc.ClientUnaryCall;
  SetTenantQuota(argument: _nephele_v1_SetTenantQuotaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetTenantQuotaResponse__Output>): grpc.ClientUnaryCall;
  SetTenantQuota(argument: _nephele_v1_SetTenantQuotaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetTenantQuotaResponse__Output>): grpc.ClientUnaryCall;
  SetTenantQuota(argument: _nephele_v1_SetTenantQuotaRequest, callback: grpc.requestCallback<_nephele_v1_SetTenantQuotaResponse__Output>): grpc.ClientUnaryCall;
  setTenantQuota(argument: _nephele_v1_SetTenantQuotaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetTenantQuotaResponse__Output>): grpc.ClientUnaryCall;
  setTenantQuota(argument: _nephele_v1_SetTenantQuotaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetTenantQuotaResponse__Output>): grpc.ClientUnaryCall;
  setTenantQuota(argument: _nephele_v1_SetTenantQuotaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetTenantQuotaResponse__Output>): grpc.ClientUnaryCall;
  setTenantQuota(argument: _nephele_v1_SetTenantQuotaRequest, callback: grpc.requestCallback<_nephele_v1_SetTenantQuotaResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AuthServiceHandlers extends grpc.UntypedServiceImplementation {
  BindRole: grpc.handleUnaryCall<_nephele_v1_BindRoleRequest__Output, _nephele_v1_BindRoleResponse>;
  
  CreateTenant: grpc.handleUnaryCall<_nephele_v1_CreateTenantRequest__Output, _nephele_v1_CreateTenantResponse>;
  
  CreateToken: grpc.handleUnaryCall<_nephele_v1_CreateTokenRequest__Output, _nephele_v1_CreateTokenResponse>;
  
  DeleteTenant: grpc.handleUnaryCall<_nephele_v1_DeleteTenantRequest__Output, _nephele_v1_DeleteTenantResponse>;
  
  GetTenant: grpc.handleUnaryCall<_nephele_v1_GetTenantRequest__Output, _nephele_v1_GetTenantResponse>;
  
  ListTenants: grpc.handleUnaryCall<_nephele_v1_ListTenantsRequest__Output, _nephele_v1_ListTenantsResponse>;
  
  ListTokens: grpc.handleUnaryCall<_nephele_v1_ListTokensRequest__Output, _nephele_v1_ListTokensResponse>;
  
  RevokeToken: grpc.handleUnaryCall<_nephele_v1_RevokeTokenRequest__Output, _nephele_v1_RevokeTokenResponse>;
  
  SetTenantQuota: grpc.handleUnaryCall<_nephele_v1_SetTenantQuotaRequest__Output, _nephele_v1_SetTenantQuotaResponse>;
  
}

export interface AuthServiceDefinition extends grpc.ServiceDefinition {
  BindRole: MethodDefinition<_nephele_v1_BindRoleRequest, _nephele_v1_BindRoleResponse, _nephele_v1_BindRoleRequest__Output, _nephele_v1_BindRoleResponse__Output>
  CreateTenant: MethodDefinition<_nephele_v1_CreateTenantRequest, _nephele_v1_CreateTenantResponse, _nephele_v1_CreateTenantRequest__Output, _nephele_v1_CreateTenantResponse__Output>
  CreateToken: MethodDefinition<_nephele_v1_CreateTokenRequest, _nephele_v1_CreateTokenResponse, _nephele_v1_CreateTokenRequest__Output, _nephele_v1_CreateTokenResponse__Output>
  DeleteTenant: MethodDefinition<_nephele_v1_DeleteTenantRequest, _nephele_v1_DeleteTenantResponse, _nephele_v1_DeleteTenantRequest__Output, _nephele_v1_DeleteTenantResponse__Output>
  GetTenant: MethodDefinition<_nephele_v1_GetTenantRequest, _nephele_v1_GetTenantResponse, _nephele_v1_GetTenantRequest__Output, _nephele_v1_GetTenantResponse__Output>
  ListTenants: MethodDefinition<_nephele_v1_ListTenantsRequest, _nephele_v1_ListTenantsResponse, _nephele_v1_ListTenantsRequest__Output, _nephele_v1_ListTenantsResponse__Output>
  ListTokens: MethodDefinition<_nephele_v1_ListTokensRequest, _nephele_v1_ListTokensResponse, _nephele_v1_ListTokensRequest__Output, _nephele_v1_ListTokensResponse__Output>
  RevokeToken: MethodDefinition<_nephele_v1_RevokeTokenRequest, _nephele_v1_RevokeTokenResponse, _nephele_v1_RevokeTokenRequest__Output, _nephele_v1_RevokeTokenResponse__Output>
  SetTenantQuota: MethodDefinition<_nephele_v1_SetTenantQuotaRequest, _nephele_v1_SetTenantQuotaResponse, _nephele_v1_SetTenantQuotaRequest__Output, _nephele_v1_SetTenantQuotaResponse__Output>
}
