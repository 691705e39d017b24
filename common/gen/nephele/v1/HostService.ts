// Original file: proto/nephele/v1/host.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CordonHostRequest as _nephele_v1_CordonHostRequest, CordonHostRequest__Output as _nephele_v1_CordonHostRequest__Output } from '../../nephele/v1/CordonHostRequest.js';
import type { CordonHostResponse as _nephele_v1_CordonHostResponse, CordonHostResponse__Output as _nephele_v1_CordonHostResponse__Output } from '../../nephele/v1/CordonHostResponse.js';
import type { CreateGroupRequest as _nephele_v1_CreateGroupRequest, CreateGroupRequest__Output as _nephele_v1_CreateGroupRequest__Output } from '../../nephele/v1/CreateGroupRequest.js';
import type { CreateGroupResponse as _nephele_v1_CreateGroupResponse, CreateGroupResponse__Output as _nephele_v1_CreateGroupResponse__Output } from '../../nephele/v1/CreateGroupResponse.js';
import type { DrainHostRequest as _nephele_v1_DrainHostRequest, DrainHostRequest__Output as _nephele_v1_DrainHostRequest__Output } from '../../nephele/v1/DrainHostRequest.js';
import type { DrainHostResponse as _nephele_v1_DrainHostResponse, DrainHostResponse__Output as _nephele_v1_DrainHostResponse__Output } from '../../nephele/v1/DrainHostResponse.js';
import type { GetHostRequest as _nephele_v1_GetHostRequest, GetHostRequest__Output as _nephele_v1_GetHostRequest__Output } from '../../nephele/v1/GetHostRequest.js';
import type { GetHostResponse as _nephele_v1_GetHostResponse, GetHostResponse__Output as _nephele_v1_GetHostResponse__Output } from '../../nephele/v1/GetHostResponse.js';
import type { GetVersionRequest as _nephele_v1_GetVersionRequest, GetVersionRequest__Output as _nephele_v1_GetVersionRequest__Output } from '../../nephele/v1/GetVersionRequest.js';
import type { GetVersionResponse as _nephele_v1_GetVersionResponse, GetVersionResponse__Output as _nephele_v1_GetVersionResponse__Output } from '../../nephele/v1/GetVersionResponse.js';
import type { ListGroupsRequest as _nephele_v1_ListGroupsRequest, ListGroupsRequest__Output as _nephele_v1_ListGroupsRequest__Output } from '../../nephele/v1/ListGroupsRequest.js';
import type { ListGroupsResponse as _nephele_v1_ListGroupsResponse, ListGroupsResponse__Output as _nephele_v1_ListGroupsResponse__Output } from '../../nephele/v1/ListGroupsResponse.js';
import type { ListHostsRequest as _nephele_v1_ListHostsRequest, ListHostsRequest__Output as _nephele_v1_ListHostsRequest__Output } from '../../nephele/v1/ListHostsRequest.js';
import type { ListHostsResponse as _nephele_v1_ListHostsResponse, ListHostsResponse__Output as _nephele_v1_ListHostsResponse__Output } from '../../nephele/v1/ListHostsResponse.js';
import type { RemoveHostRequest as _nephele_v1_RemoveHostRequest, RemoveHostRequest__Output as _nephele_v1_RemoveHostRequest__Output } from '../../nephele/v1/RemoveHostRequest.js';
import type { RemoveHostResponse as _nephele_v1_RemoveHostResponse, RemoveHostResponse__Output as _nephele_v1_RemoveHostResponse__Output } from '../../nephele/v1/RemoveHostResponse.js';
import type { RevokeHostRequest as _nephele_v1_RevokeHostRequest, RevokeHostRequest__Output as _nephele_v1_RevokeHostRequest__Output } from '../../nephele/v1/RevokeHostRequest.js';
import type { RevokeHostResponse as _nephele_v1_RevokeHostResponse, RevokeHostResponse__Output as _nephele_v1_RevokeHostResponse__Output } from '../../nephele/v1/RevokeHostResponse.js';
import type { SetHostGroupsRequest as _nephele_v1_SetHostGroupsRequest, SetHostGroupsRequest__Output as _nephele_v1_SetHostGroupsRequest__Output } from '../../nephele/v1/SetHostGroupsRequest.js';
import type { SetHostGroupsResponse as _nephele_v1_SetHostGroupsResponse, SetHostGroupsResponse__Output as _nephele_v1_SetHostGroupsResponse__Output } from '../../nephele/v1/SetHostGroupsResponse.js';
import type { UncordonHostRequest as _nephele_v1_UncordonHostRequest, UncordonHostRequest__Output as _nephele_v1_UncordonHostRequest__Output } from '../../nephele/v1/UncordonHostRequest.js';
import type { UncordonHostResponse as _nephele_v1_UncordonHostResponse, UncordonHostResponse__Output as _nephele_v1_UncordonHostResponse__Output } from '../../nephele/v1/UncordonHostResponse.js';

export interface HostServiceClient extends grpc.Client {
  CordonHost(argument: _nephele_v1_CordonHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CordonHostResponse__Output>): grpc.ClientUnaryCall;
  CordonHost(argument: _nephele_v1_CordonHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CordonHostResponse__Output>): grpc.ClientUnaryCall;
  CordonHost(argument: _nephele_v1_CordonHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CordonHostResponse__Output>): grpc.ClientUnaryCall;
  CordonHost(argument: _nephele_v1_CordonHostRequest, callback: grpc.requestCallback<_nephele_v1_CordonHostResponse__Output>): grpc.ClientUnaryCall;
  cordonHost(argument: _nephele_v1_CordonHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CordonHostResponse__Output>): grpc.ClientUnaryCall;
  cordonHost(argument: _nephele_v1_CordonHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CordonHostResponse__Output>): grpc.ClientUnaryCall;
  cordonHost(argument: _nephele_v1_CordonHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CordonHostResponse__Output>): grpc.ClientUnaryCall;
  cordonHost(argument: _nephele_v1_CordonHostRequest, callback: grpc.requestCallback<_nephele_v1_CordonHostResponse__Output>): grpc.ClientUnaryCall;
  
  CreateGroup(argument: _nephele_v1_CreateGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  CreateGroup(argument: _nephele_v1_CreateGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  CreateGroup(argument: _nephele_v1_CreateGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  CreateGroup(argument: _nephele_v1_CreateGroupRequest, callback: grpc.requestCallback<_nephele_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  createGroup(argument: _nephele_v1_CreateGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  createGroup(argument: _nephele_v1_CreateGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  createGroup(argument: _nephele_v1_CreateGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  createGroup(argument: _nephele_v1_CreateGroupRequest, callback: grpc.requestCallback<_nephele_v1_CreateGroupResponse__Output>): grpc.ClientUnaryCall;
  
  DrainHost(argument: _nephele_v1_DrainHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DrainHostResponse__Output>): grpc.ClientUnaryCall;
  DrainHost(argument: _nephele_v1_DrainHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DrainHostResponse__Output>): grpc.ClientUnaryCall;
  DrainHost(argument: _nephele_v1_DrainHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DrainHostResponse__Output>): grpc.ClientUnaryCall;
  DrainHost(argument: _nephele_v1_DrainHostRequest, callback: grpc.requestCallback<_nephele_v1_DrainHostResponse__Output>): grpc.ClientUnaryCall;
  drainHost(argument: _nephele_v1_DrainHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DrainHostResponse__Output>): grpc.ClientUnaryCall;
  drainHost(argument: _nephele_v1_DrainHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DrainHostResponse__Output>): grpc.ClientUnaryCall;
  drainHost(argument: _nephele_v1_DrainHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DrainHostResponse__Output>): grpc.ClientUnaryCall;
  drainHost(argument: _nephele_v1_DrainHostRequest, callback: grpc.requestCallback<_nephele_v1_DrainHostResponse__Output>): grpc.ClientUnaryCall;
  
  GetHost(argument: _nephele_v1_GetHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetHostResponse__Output>): grpc.ClientUnaryCall;
  GetHost(argument: _nephele_v1_GetHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetHostResponse__Output>): grpc.ClientUnaryCall;
  GetHost(argument: _nephele_v1_GetHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetHostResponse__Output>): grpc.ClientUnaryCall;
  GetHost(argument: _nephele_v1_GetHostRequest, callback: grpc.requestCallback<_nephele_v1_GetHostResponse__Output>): grpc.ClientUnaryCall;
  getHost(argument: _nephele_v1_GetHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetHostResponse__Output>): grpc.ClientUnaryCall;
  getHost(argument: _nephele_v1_GetHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetHostResponse__Output>): grpc.ClientUnaryCall;
  getHost(argument: _nephele_v1_GetHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetHostResponse__Output>): grpc.ClientUnaryCall;
  getHost(argument: _nephele_v1_GetHostRequest, callback: grpc.requestCallback<_nephele_v1_GetHostResponse__Output>): grpc.ClientUnaryCall;
  
  GetVersion(argument: _nephele_v1_GetVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVersionResponse__Output>): grpc.ClientUnaryCall;
  GetVersion(argument: _nephele_v1_GetVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetVersionResponse__Output>): grpc.ClientUnaryCall;
  GetVersion(argument: _nephele_v1_GetVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVersionResponse__Output>): grpc.ClientUnaryCall;
  GetVersion(argument: _nephele_v1_GetVersionRequest, callback: grpc.requestCallback<_nephele_v1_GetVersionResponse__Output>): grpc.ClientUnaryCall;
  getVersion(argument: _nephele_v1_GetVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVersionResponse__Output>): grpc.ClientUnaryCall;
  getVersion(argument: _nephele_v1_GetVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetVersionResponse__Output>): grpc.ClientUnaryCall;
  getVersion(argument: _nephele_v1_GetVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVersionResponse__Output>): grpc.ClientUnaryCall;
  getVersion(argument: _nephele_v1_GetVersionRequest, callback: grpc.requestCallback<_nephele_v1_GetVersionResponse__Output>): grpc.ClientUnaryCall;
  
  ListGroups(argument: _nephele_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _nephele_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _nephele_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  ListGroups(argument: _nephele_v1_ListGroupsRequest, callback: grpc.requestCallback<_nephele_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _nephele_v1_ListGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _nephele_v1_ListGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _nephele_v1_ListGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  listGroups(argument: _nephele_v1_ListGroupsRequest, callback: grpc.requestCallback<_nephele_v1_ListGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  ListHosts(argument: _nephele_v1_ListHostsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _nephele_v1_ListHostsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _nephele_v1_ListHostsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _nephele_v1_ListHostsRequest, callback: grpc.requestCallback<_nephele_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _nephele_v1_ListHostsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _nephele_v1_ListHostsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _nephele_v1_ListHostsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _nephele_v1_ListHostsRequest, callback: grpc.requestCallback<_nephele_v1_ListHostsResponse__Output>): grpc.ClientUnaryCall;
  
  RemoveHost(argument: _nephele_v1_RemoveHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RemoveHostResponse__Output>): grpc.ClientUnaryCall;
  RemoveHost(argument: _nephele_v1_RemoveHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RemoveHostResponse__Output>): grpc.ClientUnaryCall;
  RemoveHost(argument: _nephele_v1_RemoveHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RemoveHostResponse__Output>): grpc.ClientUnaryCall;
  RemoveHost(argument: _nephele_v1_RemoveHostRequest, callback: grpc.requestCallback<_nephele_v1_RemoveHostResponse__Output>): grpc.ClientUnaryCall;
  removeHost(argument: _nephele_v1_RemoveHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RemoveHostResponse__Output>): grpc.ClientUnaryCall;
  removeHost(argument: _nephele_v1_RemoveHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RemoveHostResponse__Output>): grpc.ClientUnaryCall;
  removeHost(argument: _nephele_v1_RemoveHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RemoveHostResponse__Output>): grpc.ClientUnaryCall;
  removeHost(argument: _nephele_v1_RemoveHostRequest, callback: grpc.requestCallback<_nephele_v1_RemoveHostResponse__Output>): grpc.ClientUnaryCall;
  
  RevokeHost(argument: _nephele_v1_RevokeHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeHostResponse__Output>): grpc.ClientUnaryCall;
  RevokeHost(argument: _nephele_v1_RevokeHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RevokeHostResponse__Output>): grpc.ClientUnaryCall;
  RevokeHost(argument: _nephele_v1_RevokeHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeHostResponse__Output>): grpc.ClientUnaryCall;
  RevokeHost(argument: _nephele_v1_RevokeHostRequest, callback: grpc.requestCallback<_nephele_v1_RevokeHostResponse__Output>): grpc.ClientUnaryCall;
  revokeHost(argument: _nephele_v1_RevokeHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeHostResponse__Output>): grpc.ClientUnaryCall;
  revokeHost(argument: _nephele_v1_RevokeHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RevokeHostResponse__Output>): grpc.ClientUnaryCall;
  revokeHost(argument: _nephele_v1_RevokeHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeHostResponse__Output>): grpc.ClientUnaryCall;
  revokeHost(argument: _nephele_v1_RevokeHostRequest, callback: grpc.requestCallback<_nephele_v1_RevokeHostResponse__Output>): grpc.ClientUnaryCall;
  
  SetHostGroups(argument: _nephele_v1_SetHostGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetHostGroupsResponse__Output>): grpc.ClientUnaryCall;
  SetHostGroups(argument: _nephele_v1_SetHostGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetHostGroupsResponse__Output>): grpc.ClientUnaryCall;
  SetHostGroups(argument: _nephele_v1_SetHostGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetHostGroupsResponse__Output>): grpc.ClientUnaryCall;
  SetHostGroups(argument: _nephele_v1_SetHostGroupsRequest, callback: grpc.requestCallback<_nephele_v1_SetHostGroupsResponse__Output>): grpc.ClientUnaryCall;
  setHostGroups(argument: _nephele_v1_SetHostGroupsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetHostGroupsResponse__Output>): grpc.ClientUnaryCall;
  setHostGroups(argument: _nephele_v1_SetHostGroupsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetHostGroupsResponse__Output>): grpc.ClientUnaryCall;
  setHostGroups(argument: _nephele_v1_SetHostGroupsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetHostGroupsResponse__Output>): grpc.ClientUnaryCall;
  setHostGroups(argument: _nephele_v1_SetHostGroupsRequest, callback: grpc.requestCallback<_nephele_v1_SetHostGroupsResponse__Output>): grpc.ClientUnaryCall;
  
  UncordonHost(argument: _nephele_v1_UncordonHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UncordonHostResponse__Output>): grpc.ClientUnaryCall;
  UncordonHost(argument: _nephele_v1_UncordonHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_UncordonHostResponse__Output>): grpc.ClientUnaryCall;
  UncordonHost(argument: _nephele_v1_UncordonHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UncordonHostResponse__Output>): grpc.ClientUnaryCall;
  UncordonHost(argument: _nephele_v1_UncordonHostRequest, callback: grpc.requestCallback<_nephele_v1_UncordonHostResponse__Output>): grpc.ClientUnaryCall;
  uncordonHost(argument: _nephele_v1_UncordonHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UncordonHostResponse__Output>): grpc.ClientUnaryCall;
  uncordonHost(argument: _nephele_v1_UncordonHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_UncordonHostResponse__Output>): grpc.ClientUnaryCall;
  uncordonHost(argument: _nephele_v1_UncordonHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_UncordonHostResponse__Output>): grpc.ClientUnaryCall;
  uncordonHost(argument: _nephele_v1_UncordonHostRequest, callback: grpc.requestCallback<_nephele_v1_UncordonHostResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface HostServiceHandlers extends grpc.UntypedServiceImplementation {
  CordonHost: grpc.handleUnaryCall<_nephele_v1_CordonHostRequest__Output, _nephele_v1_CordonHostResponse>;
  
  CreateGroup: grpc.handleUnaryCall<_nephele_v1_CreateGroupRequest__Output, _nephele_v1_CreateGroupResponse>;
  
  DrainHost: grpc.handleUnaryCall<_nephele_v1_DrainHostRequest__Output, _nephele_v1_DrainHostResponse>;
  
  GetHost: grpc.handleUnaryCall<_nephele_v1_GetHostRequest__Output, _nephele_v1_GetHostResponse>;
  
  GetVersion: grpc.handleUnaryCall<_nephele_v1_GetVersionRequest__Output, _nephele_v1_GetVersionResponse>;
  
  ListGroups: grpc.handleUnaryCall<_nephele_v1_ListGroupsRequest__Output, _nephele_v1_ListGroupsResponse>;
  
  ListHosts: grpc.handleUnaryCall<_nephele_v1_ListHostsRequest__Output, _nephele_v1_ListHostsResponse>;
  
  RemoveHost: grpc.handleUnaryCall<_nephele_v1_RemoveHostRequest__Output, _nephele_v1_RemoveHostResponse>;
  
  RevokeHost: grpc.handleUnaryCall<_nephele_v1_RevokeHostRequest__Output, _nephele_v1_RevokeHostResponse>;
  
  SetHostGroups: grpc.handleUnaryCall<_nephele_v1_SetHostGroupsRequest__Output, _nephele_v1_SetHostGroupsResponse>;
  
  UncordonHost: grpc.handleUnaryCall<_nephele_v1_UncordonHostRequest__Output, _nephele_v1_UncordonHostResponse>;
  
}

export interface HostServiceDefinition extends grpc.ServiceDefinition {
  CordonHost: MethodDefinition<_nephele_v1_CordonHostRequest, _nephele_v1_CordonHostResponse, _nephele_v1_CordonHostRequest__Output, _nephele_v1_CordonHostResponse__Output>
  CreateGroup: MethodDefinition<_nephele_v1_CreateGroupRequest, _nephele_v1_CreateGroupResponse, _nephele_v1_CreateGroupRequest__Output, _nephele_v1_CreateGroupResponse__Output>
  DrainHost: MethodDefinition<_nephele_v1_DrainHostRequest, _nephele_v1_DrainHostResponse, _nephele_v1_DrainHostRequest__Output, _nephele_v1_DrainHostResponse__Output>
  GetHost: MethodDefinition<_nephele_v1_GetHostRequest, _nephele_v1_GetHostResponse, _nephele_v1_GetHostRequest__Output, _nephele_v1_GetHostResponse__Output>
  GetVersion: MethodDefinition<_nephele_v1_GetVersionRequest, _nephele_v1_GetVersionResponse, _nephele_v1_GetVersionRequest__Output, _nephele_v1_GetVersionResponse__Output>
  ListGroups: MethodDefinition<_nephele_v1_ListGroupsRequest, _nephele_v1_ListGroupsResponse, _nephele_v1_ListGroupsRequest__Output, _nephele_v1_ListGroupsResponse__Output>
  ListHosts: MethodDefinition<_nephele_v1_ListHostsRequest, _nephele_v1_ListHostsResponse, _nephele_v1_ListHostsRequest__Output, _nephele_v1_ListHostsResponse__Output>
  RemoveHost: MethodDefinition<_nephele_v1_RemoveHostRequest, _nephele_v1_RemoveHostResponse, _nephele_v1_RemoveHostRequest__Output, _nephele_v1_RemoveHostResponse__Output>
  RevokeHost: MethodDefinition<_nephele_v1_RevokeHostRequest, _nephele_v1_RevokeHostResponse, _nephele_v1_RevokeHostRequest__Output, _nephele_v1_RevokeHostResponse__Output>
  SetHostGroups: MethodDefinition<_nephele_v1_SetHostGroupsRequest, _nephele_v1_SetHostGroupsResponse, _nephele_v1_SetHostGroupsRequest__Output, _nephele_v1_SetHostGroupsResponse__Output>
  UncordonHost: MethodDefinition<_nephele_v1_UncordonHostRequest, _nephele_v1_UncordonHostResponse, _nephele_v1_UncordonHostRequest__Output, _nephele_v1_UncordonHostResponse__Output>
}
