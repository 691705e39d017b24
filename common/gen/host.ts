import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Capacity as _nephele_v1_Capacity, Capacity__Output as _nephele_v1_Capacity__Output } from './nephele/v1/Capacity.js';
import type { CordonHostRequest as _nephele_v1_CordonHostRequest, CordonHostRequest__Output as _nephele_v1_CordonHostRequest__Output } from './nephele/v1/CordonHostRequest.js';
import type { CordonHostResponse as _nephele_v1_CordonHostResponse, CordonHostResponse__Output as _nephele_v1_CordonHostResponse__Output } from './nephele/v1/CordonHostResponse.js';
import type { CpuInfo as _nephele_v1_CpuInfo, CpuInfo__Output as _nephele_v1_CpuInfo__Output } from './nephele/v1/CpuInfo.js';
import type { CreateGroupRequest as _nephele_v1_CreateGroupRequest, CreateGroupRequest__Output as _nephele_v1_CreateGroupRequest__Output } from './nephele/v1/CreateGroupRequest.js';
import type { CreateGroupResponse as _nephele_v1_CreateGroupResponse, CreateGroupResponse__Output as _nephele_v1_CreateGroupResponse__Output } from './nephele/v1/CreateGroupResponse.js';
import type { DiskInfo as _nephele_v1_DiskInfo, DiskInfo__Output as _nephele_v1_DiskInfo__Output } from './nephele/v1/DiskInfo.js';
import type { DrainHostRequest as _nephele_v1_DrainHostRequest, DrainHostRequest__Output as _nephele_v1_DrainHostRequest__Output } from './nephele/v1/DrainHostRequest.js';
import type { DrainHostResponse as _nephele_v1_DrainHostResponse, DrainHostResponse__Output as _nephele_v1_DrainHostResponse__Output } from './nephele/v1/DrainHostResponse.js';
import type { Event as _nephele_v1_Event, Event__Output as _nephele_v1_Event__Output } from './nephele/v1/Event.js';
import type { FilesystemInfo as _nephele_v1_FilesystemInfo, FilesystemInfo__Output as _nephele_v1_FilesystemInfo__Output } from './nephele/v1/FilesystemInfo.js';
import type { GetHostRequest as _nephele_v1_GetHostRequest, GetHostRequest__Output as _nephele_v1_GetHostRequest__Output } from './nephele/v1/GetHostRequest.js';
import type { GetHostResponse as _nephele_v1_GetHostResponse, GetHostResponse__Output as _nephele_v1_GetHostResponse__Output } from './nephele/v1/GetHostResponse.js';
import type { GetVersionRequest as _nephele_v1_GetVersionRequest, GetVersionRequest__Output as _nephele_v1_GetVersionRequest__Output } from './nephele/v1/GetVersionRequest.js';
import type { GetVersionResponse as _nephele_v1_GetVersionResponse, GetVersionResponse__Output as _nephele_v1_GetVersionResponse__Output } from './nephele/v1/GetVersionResponse.js';
import type { Group as _nephele_v1_Group, Group__Output as _nephele_v1_Group__Output } from './nephele/v1/Group.js';
import type { Host as _nephele_v1_Host, Host__Output as _nephele_v1_Host__Output } from './nephele/v1/Host.js';
import type { HostLoad as _nephele_v1_HostLoad, HostLoad__Output as _nephele_v1_HostLoad__Output } from './nephele/v1/HostLoad.js';
import type { HostServiceClient as _nephele_v1_HostServiceClient, HostServiceDefinition as _nephele_v1_HostServiceDefinition } from './nephele/v1/HostService.js';
import type { HypervisorInfo as _nephele_v1_HypervisorInfo, HypervisorInfo__Output as _nephele_v1_HypervisorInfo__Output } from './nephele/v1/HypervisorInfo.js';
import type { Inventory as _nephele_v1_Inventory, Inventory__Output as _nephele_v1_Inventory__Output } from './nephele/v1/Inventory.js';
import type { ListGroupsRequest as _nephele_v1_ListGroupsRequest, ListGroupsRequest__Output as _nephele_v1_ListGroupsRequest__Output } from './nephele/v1/ListGroupsRequest.js';
import type { ListGroupsResponse as _nephele_v1_ListGroupsResponse, ListGroupsResponse__Output as _nephele_v1_ListGroupsResponse__Output } from './nephele/v1/ListGroupsResponse.js';
import type { ListHostsRequest as _nephele_v1_ListHostsRequest, ListHostsRequest__Output as _nephele_v1_ListHostsRequest__Output } from './nephele/v1/ListHostsRequest.js';
import type { ListHostsResponse as _nephele_v1_ListHostsResponse, ListHostsResponse__Output as _nephele_v1_ListHostsResponse__Output } from './nephele/v1/ListHostsResponse.js';
import type { MemoryInfo as _nephele_v1_MemoryInfo, MemoryInfo__Output as _nephele_v1_MemoryInfo__Output } from './nephele/v1/MemoryInfo.js';
import type { NicInfo as _nephele_v1_NicInfo, NicInfo__Output as _nephele_v1_NicInfo__Output } from './nephele/v1/NicInfo.js';
import type { OsInfo as _nephele_v1_OsInfo, OsInfo__Output as _nephele_v1_OsInfo__Output } from './nephele/v1/OsInfo.js';
import type { Quota as _nephele_v1_Quota, Quota__Output as _nephele_v1_Quota__Output } from './nephele/v1/Quota.js';
import type { RemoveHostRequest as _nephele_v1_RemoveHostRequest, RemoveHostRequest__Output as _nephele_v1_RemoveHostRequest__Output } from './nephele/v1/RemoveHostRequest.js';
import type { RemoveHostResponse as _nephele_v1_RemoveHostResponse, RemoveHostResponse__Output as _nephele_v1_RemoveHostResponse__Output } from './nephele/v1/RemoveHostResponse.js';
import type { RevokeHostRequest as _nephele_v1_RevokeHostRequest, RevokeHostRequest__Output as _nephele_v1_RevokeHostRequest__Output } from './nephele/v1/RevokeHostRequest.js';
import type { RevokeHostResponse as _nephele_v1_RevokeHostResponse, RevokeHostResponse__Output as _nephele_v1_RevokeHostResponse__Output } from './nephele/v1/RevokeHostResponse.js';
import type { SchemeInfo as _nephele_v1_SchemeInfo, SchemeInfo__Output as _nephele_v1_SchemeInfo__Output } from './nephele/v1/SchemeInfo.js';
import type { SetHostGroupsRequest as _nephele_v1_SetHostGroupsRequest, SetHostGroupsRequest__Output as _nephele_v1_SetHostGroupsRequest__Output } from './nephele/v1/SetHostGroupsRequest.js';
import type { SetHostGroupsResponse as _nephele_v1_SetHostGroupsResponse, SetHostGroupsResponse__Output as _nephele_v1_SetHostGroupsResponse__Output } from './nephele/v1/SetHostGroupsResponse.js';
import type { SoftwareInfo as _nephele_v1_SoftwareInfo, SoftwareInfo__Output as _nephele_v1_SoftwareInfo__Output } from './nephele/v1/SoftwareInfo.js';
import type { Tenant as _nephele_v1_Tenant, Tenant__Output as _nephele_v1_Tenant__Output } from './nephele/v1/Tenant.js';
import type { Token as _nephele_v1_Token, Token__Output as _nephele_v1_Token__Output } from './nephele/v1/Token.js';
import type { UncordonHostRequest as _nephele_v1_UncordonHostRequest, UncordonHostRequest__Output as _nephele_v1_UncordonHostRequest__Output } from './nephele/v1/UncordonHostRequest.js';
import type { UncordonHostResponse as _nephele_v1_UncordonHostResponse, UncordonHostResponse__Output as _nephele_v1_UncordonHostResponse__Output } from './nephele/v1/UncordonHostResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nephele: {
    v1: {
      Capacity: MessageTypeDefinition<_nephele_v1_Capacity, _nephele_v1_Capacity__Output>
      CordonHostRequest: MessageTypeDefinition<_nephele_v1_CordonHostRequest, _nephele_v1_CordonHostRequest__Output>
      CordonHostResponse: MessageTypeDefinition<_nephele_v1_CordonHostResponse, _nephele_v1_CordonHostResponse__Output>
      CpuInfo: MessageTypeDefinition<_nephele_v1_CpuInfo, _nephele_v1_CpuInfo__Output>
      CreateGroupRequest: MessageTypeDefinition<_nephele_v1_CreateGroupRequest, _nephele_v1_CreateGroupRequest__Output>
      CreateGroupResponse: MessageTypeDefinition<_nephele_v1_CreateGroupResponse, _nephele_v1_CreateGroupResponse__Output>
      DiskInfo: MessageTypeDefinition<_nephele_v1_DiskInfo, _nephele_v1_DiskInfo__Output>
      DrainHostRequest: MessageTypeDefinition<_nephele_v1_DrainHostRequest, _nephele_v1_DrainHostRequest__Output>
      DrainHostResponse: MessageTypeDefinition<_nephele_v1_DrainHostResponse, _nephele_v1_DrainHostResponse__Output>
      Event: MessageTypeDefinition<_nephele_v1_Event, _nephele_v1_Event__Output>
      FilesystemInfo: MessageTypeDefinition<_nephele_v1_FilesystemInfo, _nephele_v1_FilesystemInfo__Output>
      GetHostRequest: MessageTypeDefinition<_nephele_v1_GetHostRequest, _nephele_v1_GetHostRequest__Output>
      GetHostResponse: MessageTypeDefinition<_nephele_v1_GetHostResponse, _nephele_v1_GetHostResponse__Output>
      GetVersionRequest: MessageTypeDefinition<_nephele_v1_GetVersionRequest, _nephele_v1_GetVersionRequest__Output>
      GetVersionResponse: MessageTypeDefinition<_nephele_v1_GetVersionResponse, _nephele_v1_GetVersionResponse__Output>
      Group: MessageTypeDefinition<_nephele_v1_Group, _nephele_v1_Group__Output>
      Host: MessageTypeDefinition<_nephele_v1_Host, _nephele_v1_Host__Output>
      HostKind: EnumTypeDefinition
      HostLoad: MessageTypeDefinition<_nephele_v1_HostLoad, _nephele_v1_HostLoad__Output>
      HostService: SubtypeConstructor<typeof grpc.Client, _nephele_v1_HostServiceClient> & { service: _nephele_v1_HostServiceDefinition }
      HostState: EnumTypeDefinition
      HostView: EnumTypeDefinition
      HypervisorInfo: MessageTypeDefinition<_nephele_v1_HypervisorInfo, _nephele_v1_HypervisorInfo__Output>
      Inventory: MessageTypeDefinition<_nephele_v1_Inventory, _nephele_v1_Inventory__Output>
      ListGroupsRequest: MessageTypeDefinition<_nephele_v1_ListGroupsRequest, _nephele_v1_ListGroupsRequest__Output>
      ListGroupsResponse: MessageTypeDefinition<_nephele_v1_ListGroupsResponse, _nephele_v1_ListGroupsResponse__Output>
      ListHostsRequest: MessageTypeDefinition<_nephele_v1_ListHostsRequest, _nephele_v1_ListHostsRequest__Output>
      ListHostsResponse: MessageTypeDefinition<_nephele_v1_ListHostsResponse, _nephele_v1_ListHostsResponse__Output>
      MemoryInfo: MessageTypeDefinition<_nephele_v1_MemoryInfo, _nephele_v1_MemoryInfo__Output>
      NicInfo: MessageTypeDefinition<_nephele_v1_NicInfo, _nephele_v1_NicInfo__Output>
      OsInfo: MessageTypeDefinition<_nephele_v1_OsInfo, _nephele_v1_OsInfo__Output>
      OwnerState: EnumTypeDefinition
      Quota: MessageTypeDefinition<_nephele_v1_Quota, _nephele_v1_Quota__Output>
      RemoveHostRequest: MessageTypeDefinition<_nephele_v1_RemoveHostRequest, _nephele_v1_RemoveHostRequest__Output>
      RemoveHostResponse: MessageTypeDefinition<_nephele_v1_RemoveHostResponse, _nephele_v1_RemoveHostResponse__Output>
      RevokeHostRequest: MessageTypeDefinition<_nephele_v1_RevokeHostRequest, _nephele_v1_RevokeHostRequest__Output>
      RevokeHostResponse: MessageTypeDefinition<_nephele_v1_RevokeHostResponse, _nephele_v1_RevokeHostResponse__Output>
      SchemeInfo: MessageTypeDefinition<_nephele_v1_SchemeInfo, _nephele_v1_SchemeInfo__Output>
      SetHostGroupsRequest: MessageTypeDefinition<_nephele_v1_SetHostGroupsRequest, _nephele_v1_SetHostGroupsRequest__Output>
      SetHostGroupsResponse: MessageTypeDefinition<_nephele_v1_SetHostGroupsResponse, _nephele_v1_SetHostGroupsResponse__Output>
      SoftwareInfo: MessageTypeDefinition<_nephele_v1_SoftwareInfo, _nephele_v1_SoftwareInfo__Output>
      Tenant: MessageTypeDefinition<_nephele_v1_Tenant, _nephele_v1_Tenant__Output>
      Token: MessageTypeDefinition<_nephele_v1_Token, _nephele_v1_Token__Output>
      TokenKind: EnumTypeDefinition
      UncordonHostRequest: MessageTypeDefinition<_nephele_v1_UncordonHostRequest, _nephele_v1_UncordonHostRequest__Output>
      UncordonHostResponse: MessageTypeDefinition<_nephele_v1_UncordonHostResponse, _nephele_v1_UncordonHostResponse__Output>
    }
  }
}

