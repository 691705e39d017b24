// Original file: proto/nephele/v1/vm.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateVmRequest as _nephele_v1_CreateVmRequest, CreateVmRequest__Output as _nephele_v1_CreateVmRequest__Output } from '../../nephele/v1/CreateVmRequest.js';
import type { CreateVmResponse as _nephele_v1_CreateVmResponse, CreateVmResponse__Output as _nephele_v1_CreateVmResponse__Output } from '../../nephele/v1/CreateVmResponse.js';
import type { DestroyVmRequest as _nephele_v1_DestroyVmRequest, DestroyVmRequest__Output as _nephele_v1_DestroyVmRequest__Output } from '../../nephele/v1/DestroyVmRequest.js';
import type { DestroyVmResponse as _nephele_v1_DestroyVmResponse, DestroyVmResponse__Output as _nephele_v1_DestroyVmResponse__Output } from '../../nephele/v1/DestroyVmResponse.js';
import type { GetVmRequest as _nephele_v1_GetVmRequest, GetVmRequest__Output as _nephele_v1_GetVmRequest__Output } from '../../nephele/v1/GetVmRequest.js';
import type { GetVmResponse as _nephele_v1_GetVmResponse, GetVmResponse__Output as _nephele_v1_GetVmResponse__Output } from '../../nephele/v1/GetVmResponse.js';
import type { ListVmsRequest as _nephele_v1_ListVmsRequest, ListVmsRequest__Output as _nephele_v1_ListVmsRequest__Output } from '../../nephele/v1/ListVmsRequest.js';
import type { ListVmsResponse as _nephele_v1_ListVmsResponse, ListVmsResponse__Output as _nephele_v1_ListVmsResponse__Output } from '../../nephele/v1/ListVmsResponse.js';
import type { RebootVmRequest as _nephele_v1_RebootVmRequest, RebootVmRequest__Output as _nephele_v1_RebootVmRequest__Output } from '../../nephele/v1/RebootVmRequest.js';
import type { RebootVmResponse as _nephele_v1_RebootVmResponse, RebootVmResponse__Output as _nephele_v1_RebootVmResponse__Output } from '../../nephele/v1/RebootVmResponse.js';
import type { ResumeVmRequest as _nephele_v1_ResumeVmRequest, ResumeVmRequest__Output as _nephele_v1_ResumeVmRequest__Output } from '../../nephele/v1/ResumeVmRequest.js';
import type { ResumeVmResponse as _nephele_v1_ResumeVmResponse, ResumeVmResponse__Output as _nephele_v1_ResumeVmResponse__Output } from '../../nephele/v1/ResumeVmResponse.js';
import type { StartVmRequest as _nephele_v1_StartVmRequest, StartVmRequest__Output as _nephele_v1_StartVmRequest__Output } from '../../nephele/v1/StartVmRequest.js';
import type { StartVmResponse as _nephele_v1_StartVmResponse, StartVmResponse__Output as _nephele_v1_StartVmResponse__Output } from '../../nephele/v1/StartVmResponse.js';
import type { StopVmRequest as _nephele_v1_StopVmRequest, StopVmRequest__Output as _nephele_v1_StopVmRequest__Output } from '../../nephele/v1/StopVmRequest.js';
import type { StopVmResponse as _nephele_v1_StopVmResponse, StopVmResponse__Output as _nephele_v1_StopVmResponse__Output } from '../../nephele/v1/StopVmResponse.js';
import type { SuspendVmRequest as _nephele_v1_SuspendVmRequest, SuspendVmRequest__Output as _nephele_v1_SuspendVmRequest__Output } from '../../nephele/v1/SuspendVmRequest.js';
import type { SuspendVmResponse as _nephele_v1_SuspendVmResponse, SuspendVmResponse__Output as _nephele_v1_SuspendVmResponse__Output } from '../../nephele/v1/SuspendVmResponse.js';

export interface VmServiceClient extends grpc.Client {
  CreateVm(argument: _nephele_v1_CreateVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  CreateVm(argument: _nephele_v1_CreateVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  CreateVm(argument: _nephele_v1_CreateVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  CreateVm(argument: _nephele_v1_CreateVmRequest, callback: grpc.requestCallback<_nephele_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  createVm(argument: _nephele_v1_CreateVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  createVm(argument: _nephele_v1_CreateVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  createVm(argument: _nephele_v1_CreateVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  createVm(argument: _nephele_v1_CreateVmRequest, callback: grpc.requestCallback<_nephele_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  
  DestroyVm(argument: _nephele_v1_DestroyVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  DestroyVm(argument: _nephele_v1_DestroyVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  DestroyVm(argument: _nephele_v1_DestroyVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  DestroyVm(argument: _nephele_v1_DestroyVmRequest, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  destroyVm(argument: _nephele_v1_DestroyVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  destroyVm(argument: _nephele_v1_DestroyVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  destroyVm(argument: _nephele_v1_DestroyVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  destroyVm(argument: _nephele_v1_DestroyVmRequest, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  
  GetVm(argument: _nephele_v1_GetVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  GetVm(argument: _nephele_v1_GetVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  GetVm(argument: _nephele_v1_GetVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  GetVm(argument: _nephele_v1_GetVmRequest, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  getVm(argument: _nephele_v1_GetVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  getVm(argument: _nephele_v1_GetVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  getVm(argument: _nephele_v1_GetVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  getVm(argument: _nephele_v1_GetVmRequest, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  
  ListVms(argument: _nephele_v1_ListVmsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  ListVms(argument: _nephele_v1_ListVmsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  ListVms(argument: _nephele_v1_ListVmsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  ListVms(argument: _nephele_v1_ListVmsRequest, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  listVms(argument: _nephele_v1_ListVmsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  listVms(argument: _nephele_v1_ListVmsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  listVms(argument: _nephele_v1_ListVmsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  listVms(argument: _nephele_v1_ListVmsRequest, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  
  RebootVm(argument: _nephele_v1_RebootVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RebootVmResponse__Output>): grpc.ClientUnaryCall;
  RebootVm(argument: _nephele_v1_RebootVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RebootVmResponse__Output>): grpc.ClientUnaryCall;
  RebootVm(argument: _nephele_v1_RebootVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RebootVmResponse__Output>): grpc.ClientUnaryCall;
  RebootVm(argument: _nephele_v1_RebootVmRequest, callback: grpc.requestCallback<_nephele_v1_RebootVmResponse__Output>): grpc.ClientUnaryCall;
  rebootVm(argument: _nephele_v1_RebootVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RebootVmResponse__Output>): grpc.ClientUnaryCall;
  rebootVm(argument: _nephele_v1_RebootVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RebootVmResponse__Output>): grpc.ClientUnaryCall;
  rebootVm(argument: _nephele_v1_RebootVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RebootVmResponse__Output>): grpc.ClientUnaryCall;
  rebootVm(argument: _nephele_v1_RebootVmRequest, callback: grpc.requestCallback<_nephele_v1_RebootVmResponse__Output>): grpc.ClientUnaryCall;
  
  ResumeVm(argument: _nephele_v1_ResumeVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ResumeVmResponse__Output>): grpc.ClientUnaryCall;
  ResumeVm(argument: _nephele_v1_ResumeVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ResumeVmResponse__Output>): grpc.ClientUnaryCall;
  ResumeVm(argument: _nephele_v1_ResumeVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ResumeVmResponse__Output>): grpc.ClientUnaryCall;
  ResumeVm(argument: _nephele_v1_ResumeVmRequest, callback: grpc.requestCallback<_nephele_v1_ResumeVmResponse__Output>): grpc.ClientUnaryCall;
  resumeVm(argument: _nephele_v1_ResumeVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ResumeVmResponse__Output>): grpc.ClientUnaryCall;
  resumeVm(argument: _nephele_v1_ResumeVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ResumeVmResponse__Output>): grpc.ClientUnaryCall;
  resumeVm(argument: _nephele_v1_ResumeVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ResumeVmResponse__Output>): grpc.ClientUnaryCall;
  resumeVm(argument: _nephele_v1_ResumeVmRequest, callback: grpc.requestCallback<_nephele_v1_ResumeVmResponse__Output>): grpc.ClientUnaryCall;
  
  StartVm(argument: _nephele_v1_StartVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  StartVm(argument: _nephele_v1_StartVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  StartVm(argument: _nephele_v1_StartVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  StartVm(argument: _nephele_v1_StartVmRequest, callback: grpc.requestCallback<_nephele_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  startVm(argument: _nephele_v1_StartVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  startVm(argument: _nephele_v1_StartVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  startVm(argument: _nephele_v1_StartVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  startVm(argument: _nephele_v1_StartVmRequest, callback: grpc.requestCallback<_nephele_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  
  StopVm(argument: _nephele_v1_StopVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  StopVm(argument: _nephele_v1_StopVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  StopVm(argument: _nephele_v1_StopVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  StopVm(argument: _nephele_v1_StopVmRequest, callback: grpc.requestCallback<_nephele_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  stopVm(argument: _nephele_v1_StopVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  stopVm(argument: _nephele_v1_StopVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  stopVm(argument: _nephele_v1_StopVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  stopVm(argument: _nephele_v1_StopVmRequest, callback: grpc.requestCallback<_nephele_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  
  SuspendVm(argument: _nephele_v1_SuspendVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SuspendVmResponse__Output>): grpc.ClientUnaryCall;
  SuspendVm(argument: _nephele_v1_SuspendVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SuspendVmResponse__Output>): grpc.ClientUnaryCall;
  SuspendVm(argument: _nephele_v1_SuspendVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SuspendVmResponse__Output>): grpc.ClientUnaryCall;
  SuspendVm(argument: _nephele_v1_SuspendVmRequest, callback: grpc.requestCallback<_nephele_v1_SuspendVmResponse__Output>): grpc.ClientUnaryCall;
  suspendVm(argument: _nephele_v1_SuspendVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SuspendVmResponse__Output>): grpc.ClientUnaryCall;
  suspendVm(argument: _nephele_v1_SuspendVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SuspendVmResponse__Output>): grpc.ClientUnaryCall;
  suspendVm(argument: _nephele_v1_SuspendVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SuspendVmResponse__Output>): grpc.ClientUnaryCall;
  suspendVm(argument: _nephele_v1_SuspendVmRequest, callback: grpc.requestCallback<_nephele_v1_SuspendVmResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface VmServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateVm: grpc.handleUnaryCall<_nephele_v1_CreateVmRequest__Output, _nephele_v1_CreateVmResponse>;
  
  DestroyVm: grpc.handleUnaryCall<_nephele_v1_DestroyVmRequest__Output, _nephele_v1_DestroyVmResponse>;
  
  GetVm: grpc.handleUnaryCall<_nephele_v1_GetVmRequest__Output, _nephele_v1_GetVmResponse>;
  
  ListVms: grpc.handleUnaryCall<_nephele_v1_ListVmsRequest__Output, _nephele_v1_ListVmsResponse>;
  
  RebootVm: grpc.handleUnaryCall<_nephele_v1_RebootVmRequest__Output, _nephele_v1_RebootVmResponse>;
  
  ResumeVm: grpc.handleUnaryCall<_nephele_v1_ResumeVmRequest__Output, _nephele_v1_ResumeVmResponse>;
  
  StartVm: grpc.handleUnaryCall<_nephele_v1_StartVmRequest__Output, _nephele_v1_StartVmResponse>;
  
  StopVm: grpc.handleUnaryCall<_nephele_v1_StopVmRequest__Output, _nephele_v1_StopVmResponse>;
  
  SuspendVm: grpc.handleUnaryCall<_nephele_v1_SuspendVmRequest__Output, _nephele_v1_SuspendVmResponse>;
  
}

export interface VmServiceDefinition extends grpc.ServiceDefinition {
  CreateVm: MethodDefinition<_nephele_v1_CreateVmRequest, _nephele_v1_CreateVmResponse, _nephele_v1_CreateVmRequest__Output, _nephele_v1_CreateVmResponse__Output>
  DestroyVm: MethodDefinition<_nephele_v1_DestroyVmRequest, _nephele_v1_DestroyVmResponse, _nephele_v1_DestroyVmRequest__Output, _nephele_v1_DestroyVmResponse__Output>
  GetVm: MethodDefinition<_nephele_v1_GetVmRequest, _nephele_v1_GetVmResponse, _nephele_v1_GetVmRequest__Output, _nephele_v1_GetVmResponse__Output>
  ListVms: MethodDefinition<_nephele_v1_ListVmsRequest, _nephele_v1_ListVmsResponse, _nephele_v1_ListVmsRequest__Output, _nephele_v1_ListVmsResponse__Output>
  RebootVm: MethodDefinition<_nephele_v1_RebootVmRequest, _nephele_v1_RebootVmResponse, _nephele_v1_RebootVmRequest__Output, _nephele_v1_RebootVmResponse__Output>
  ResumeVm: MethodDefinition<_nephele_v1_ResumeVmRequest, _nephele_v1_ResumeVmResponse, _nephele_v1_ResumeVmRequest__Output, _nephele_v1_ResumeVmResponse__Output>
  StartVm: MethodDefinition<_nephele_v1_StartVmRequest, _nephele_v1_StartVmResponse, _nephele_v1_StartVmRequest__Output, _nephele_v1_StartVmResponse__Output>
  StopVm: MethodDefinition<_nephele_v1_StopVmRequest, _nephele_v1_StopVmResponse, _nephele_v1_StopVmRequest__Output, _nephele_v1_StopVmResponse__Output>
  SuspendVm: MethodDefinition<_nephele_v1_SuspendVmRequest, _nephele_v1_SuspendVmResponse, _nephele_v1_SuspendVmRequest__Output, _nephele_v1_SuspendVmResponse__Output>
}
