import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuthServiceClient as _nephele_v1_AuthServiceClient, AuthServiceDefinition as _nephele_v1_AuthServiceDefinition } from './nephele/v1/AuthService.js';
import type { BindRoleRequest as _nephele_v1_BindRoleRequest, BindRoleRequest__Output as _nephele_v1_BindRoleRequest__Output } from './nephele/v1/BindRoleRequest.js';
import type { BindRoleResponse as _nephele_v1_BindRoleResponse, BindRoleResponse__Output as _nephele_v1_BindRoleResponse__Output } from './nephele/v1/BindRoleResponse.js';
import type { Capacity as _nephele_v1_Capacity, Capacity__Output as _nephele_v1_Capacity__Output } from './nephele/v1/Capacity.js';
import type { CpuInfo as _nephele_v1_CpuInfo, CpuInfo__Output as _nephele_v1_CpuInfo__Output } from './nephele/v1/CpuInfo.js';
import type { CreateTenantRequest as _nephele_v1_CreateTenantRequest, CreateTenantRequest__Output as _nephele_v1_CreateTenantRequest__Output } from './nephele/v1/CreateTenantRequest.js';
import type { CreateTenantResponse as _nephele_v1_CreateTenantResponse, CreateTenantResponse__Output as _nephele_v1_CreateTenantResponse__Output } from './nephele/v1/CreateTenantResponse.js';
import type { CreateTokenRequest as _nephele_v1_CreateTokenRequest, CreateTokenRequest__Output as _nephele_v1_CreateTokenRequest__Output } from './nephele/v1/CreateTokenRequest.js';
import type { CreateTokenResponse as _nephele_v1_CreateTokenResponse, CreateTokenResponse__Output as _nephele_v1_CreateTokenResponse__Output } from './nephele/v1/CreateTokenResponse.js';
import type { DeleteTenantRequest as _nephele_v1_DeleteTenantRequest, DeleteTenantRequest__Output as _nephele_v1_DeleteTenantRequest__Output } from './nephele/v1/DeleteTenantRequest.js';
import type { DeleteTenantResponse as _nephele_v1_DeleteTenantResponse, DeleteTenantResponse__Output as _nephele_v1_DeleteTenantResponse__Output } from './nephele/v1/DeleteTenantResponse.js';
import type { DiskInfo as _nephele_v1_DiskInfo, DiskInfo__Output as _nephele_v1_DiskInfo__Output } from './nephele/v1/DiskInfo.js';
import type { Event as _nephele_v1_Event, Event__Output as _nephele_v1_Event__Output } from './nephele/v1/Event.js';
import type { FilesystemInfo as _nephele_v1_FilesystemInfo, FilesystemInfo__Output as _nephele_v1_FilesystemInfo__Output } from './nephele/v1/FilesystemInfo.js';
import type { GetTenantRequest as _nephele_v1_GetTenantRequest, GetTenantRequest__Output as _nephele_v1_GetTenantRequest__Output } from './nephele/v1/GetTenantRequest.js';
import type { GetTenantResponse as _nephele_v1_GetTenantResponse, GetTenantResponse__Output as _nephele_v1_GetTenantResponse__Output } from './nephele/v1/GetTenantResponse.js';
import type { Group as _nephele_v1_Group, Group__Output as _nephele_v1_Group__Output } from './nephele/v1/Group.js';
import type { Host as _nephele_v1_Host, Host__Output as _nephele_v1_Host__Output } from './nephele/v1/Host.js';
import type { HostLoad as _nephele_v1_HostLoad, HostLoad__Output as _nephele_v1_HostLoad__Output } from './nephele/v1/HostLoad.js';
import type { HypervisorInfo as _nephele_v1_HypervisorInfo, HypervisorInfo__Output as _nephele_v1_HypervisorInfo__Output } from './nephele/v1/HypervisorInfo.js';
import type { Inventory as _nephele_v1_Inventory, Inventory__Output as _nephele_v1_Inventory__Output } from './nephele/v1/Inventory.js';
import type { ListTenantsRequest as _nephele_v1_ListTenantsRequest, ListTenantsRequest__Output as _nephele_v1_ListTenantsRequest__Output } from './nephele/v1/ListTenantsRequest.js';
import type { ListTenantsResponse as _nephele_v1_ListTenantsResponse, ListTenantsResponse__Output as _nephele_v1_ListTenantsResponse__Output } from './nephele/v1/ListTenantsResponse.js';
import type { ListTokensRequest as _nephele_v1_ListTokensRequest, ListTokensRequest__Output as _nephele_v1_ListTokensRequest__Output } from './nephele/v1/ListTokensRequest.js';
import type { ListTokensResponse as _nephele_v1_ListTokensResponse, ListTokensResponse__Output as _nephele_v1_ListTokensResponse__Output } from './nephele/v1/ListTokensResponse.js';
import type { MemoryInfo as _nephele_v1_MemoryInfo, MemoryInfo__Output as _nephele_v1_MemoryInfo__Output } from './nephele/v1/MemoryInfo.js';
import type { NicInfo as _nephele_v1_NicInfo, NicInfo__Output as _nephele_v1_NicInfo__Output } from './nephele/v1/NicInfo.js';
import type { OsInfo as _nephele_v1_OsInfo, OsInfo__Output as _nephele_v1_OsInfo__Output } from './nephele/v1/OsInfo.js';
import type { Quota as _nephele_v1_Quota, Quota__Output as _nephele_v1_Quota__Output } from './nephele/v1/Quota.js';
import type { RevokeTokenRequest as _nephele_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _nephele_v1_RevokeTokenRequest__Output } from './nephele/v1/RevokeTokenRequest.js';
import type { RevokeTokenResponse as _nephele_v1_RevokeTokenResponse, RevokeTokenResponse__Output as _nephele_v1_RevokeTokenResponse__Output } from './nephele/v1/RevokeTokenResponse.js';
import type { SchemeInfo as _nephele_v1_SchemeInfo, SchemeInfo__Output as _nephele_v1_SchemeInfo__Output } from './nephele/v1/SchemeInfo.js';
import type { SetTenantQuotaRequest as _nephele_v1_SetTenantQuotaRequest, SetTenantQuotaRequest__Output as _nephele_v1_SetTenantQuotaRequest__Output } from './nephele/v1/SetTenantQuotaRequest.js';
import type { SetTenantQuotaResponse as _nephele_v1_SetTenantQuotaResponse, SetTenantQuotaResponse__Output as _nephele_v1_SetTenantQuotaResponse__Output } from './nephele/v1/SetTenantQuotaResponse.js';
import type { SoftwareInfo as _nephele_v1_SoftwareInfo, SoftwareInfo__Output as _nephele_v1_SoftwareInfo__Output } from './nephele/v1/SoftwareInfo.js';
import type { Tenant as _nephele_v1_Tenant, Tenant__Output as _nephele_v1_Tenant__Output } from './nephele/v1/Tenant.js';
import type { Token as _nephele_v1_Token, Token__Output as _nephele_v1_Token__Output } from './nephele/v1/Token.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nephele: {
    v1: {
      AuthService: SubtypeConstructor<typeof grpc.Client, _nephele_v1_AuthServiceClient> & { service: _nephele_v1_AuthServiceDefinition }
      BindRoleRequest: MessageTypeDefinition<_nephele_v1_BindRoleRequest, _nephele_v1_BindRoleRequest__Output>
      BindRoleResponse: MessageTypeDefinition<_nephele_v1_BindRoleResponse, _nephele_v1_BindRoleResponse__Output>
      Capacity: MessageTypeDefinition<_nephele_v1_Capacity, _nephele_v1_Capacity__Output>
      CpuInfo: MessageTypeDefinition<_nephele_v1_CpuInfo, _nephele_v1_CpuInfo__Output>
      CreateTenantRequest: MessageTypeDefinition<_nephele_v1_CreateTenantRequest, _nephele_v1_CreateTenantRequest__Output>
      CreateTenantResponse: MessageTypeDefinition<_nephele_v1_CreateTenantResponse, _nephele_v1_CreateTenantResponse__Output>
      CreateTokenRequest: MessageTypeDefinition<_nephele_v1_CreateTokenRequest, _nephele_v1_CreateTokenRequest__Output>
      CreateTokenResponse: MessageTypeDefinition<_nephele_v1_CreateTokenResponse, _nephele_v1_CreateTokenResponse__Output>
      DeleteTenantRequest: MessageTypeDefinition<_nephele_v1_DeleteTenantRequest, _nephele_v1_DeleteTenantRequest__Output>
      DeleteTenantResponse: MessageTypeDefinition<_nephele_v1_DeleteTenantResponse, _nephele_v1_DeleteTenantResponse__Output>
      DiskInfo: MessageTypeDefinition<_nephele_v1_DiskInfo, _nephele_v1_DiskInfo__Output>
      Event: MessageTypeDefinition<_nephele_v1_Event, _nephele_v1_Event__Output>
      FilesystemInfo: MessageTypeDefinition<_nephele_v1_FilesystemInfo, _nephele_v1_FilesystemInfo__Output>
      GetTenantRequest: MessageTypeDefinition<_nephele_v1_GetTenantRequest, _nephele_v1_GetTenantRequest__Output>
      GetTenantResponse: MessageTypeDefinition<_nephele_v1_GetTenantResponse, _nephele_v1_GetTenantResponse__Output>
      Group: MessageTypeDefinition<_nephele_v1_Group, _nephele_v1_Group__Output>
      Host: MessageTypeDefinition<_nephele_v1_Host, _nephele_v1_Host__Output>
      HostKind: EnumTypeDefinition
      HostLoad: MessageTypeDefinition<_nephele_v1_HostLoad, _nephele_v1_HostLoad__Output>
      HostState: EnumTypeDefinition
      HypervisorInfo: MessageTypeDefinition<_nephele_v1_HypervisorInfo, _nephele_v1_HypervisorInfo__Output>
      Inventory: MessageTypeDefinition<_nephele_v1_Inventory, _nephele_v1_Inventory__Output>
      ListTenantsRequest: MessageTypeDefinition<_nephele_v1_ListTenantsRequest, _nephele_v1_ListTenantsRequest__Output>
      ListTenantsResponse: MessageTypeDefinition<_nephele_v1_ListTenantsResponse, _nephele_v1_ListTenantsResponse__Output>
      ListTokensRequest: MessageTypeDefinition<_nephele_v1_ListTokensRequest, _nephele_v1_ListTokensRequest__Output>
      ListTokensResponse: MessageTypeDefinition<_nephele_v1_ListTokensResponse, _nephele_v1_ListTokensResponse__Output>
      MemoryInfo: MessageTypeDefinition<_nephele_v1_MemoryInfo, _nephele_v1_MemoryInfo__Output>
      NicInfo: MessageTypeDefinition<_nephele_v1_NicInfo, _nephele_v1_NicInfo__Output>
      OsInfo: MessageTypeDefinition<_nephele_v1_OsInfo, _nephele_v1_OsInfo__Output>
      OwnerState: EnumTypeDefinition
      Quota: MessageTypeDefinition<_nephele_v1_Quota, _nephele_v1_Quota__Output>
      RevokeTokenRequest: MessageTypeDefinition<_nephele_v1_RevokeTokenRequest, _nephele_v1_RevokeTokenRequest__Output>
      RevokeTokenResponse: MessageTypeDefinition<_nephele_v1_RevokeTokenResponse, _nephele_v1_RevokeTokenResponse__Output>
      SchemeInfo: MessageTypeDefinition<_nephele_v1_SchemeInfo, _nephele_v1_SchemeInfo__Output>
      SetTenantQuotaRequest: MessageTypeDefinition<_nephele_v1_SetTenantQuotaRequest, _nephele_v1_SetTenantQuotaRequest__Output>
      SetTenantQuotaResponse: MessageTypeDefinition<_nephele_v1_SetTenantQuotaResponse, _nephele_v1_SetTenantQuotaResponse__Output>
      SoftwareInfo: MessageTypeDefinition<_nephele_v1_SoftwareInfo, _nephele_v1_SoftwareInfo__Output>
      Tenant: MessageTypeDefinition<_nephele_v1_Tenant, _nephele_v1_Tenant__Output>
      Token: MessageTypeDefinition<_nephele_v1_Token, _nephele_v1_Token__Output>
      TokenKind: EnumTypeDefinition
    }
  }
}

