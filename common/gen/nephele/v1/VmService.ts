// Original file: proto/nephele/v1/vm.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ConsoleOutput as _nephele_v1_ConsoleOutput, ConsoleOutput__Output as _nephele_v1_ConsoleOutput__Output } from '../../nephele/v1/ConsoleOutput.js';
import type { CreateVmRequest as _nephele_v1_CreateVmRequest, CreateVmRequest__Output as _nephele_v1_CreateVmRequest__Output } from '../../nephele/v1/CreateVmRequest.js';
import type { CreateVmResponse as _nephele_v1_CreateVmResponse, CreateVmResponse__Output as _nephele_v1_CreateVmResponse__Output } from '../../nephele/v1/CreateVmResponse.js';
import type { CreateVmSetRequest as _nephele_v1_CreateVmSetRequest, CreateVmSetRequest__Output as _nephele_v1_CreateVmSetRequest__Output } from '../../nephele/v1/CreateVmSetRequest.js';
import type { CreateVmSetResponse as _nephele_v1_CreateVmSetResponse, CreateVmSetResponse__Output as _nephele_v1_CreateVmSetResponse__Output } from '../../nephele/v1/CreateVmSetResponse.js';
import type { DeleteVmSetRequest as _nephele_v1_DeleteVmSetRequest, DeleteVmSetRequest__Output as _nephele_v1_DeleteVmSetRequest__Output } from '../../nephele/v1/DeleteVmSetRequest.js';
import type { DeleteVmSetResponse as _nephele_v1_DeleteVmSetResponse, DeleteVmSetResponse__Output as _nephele_v1_DeleteVmSetResponse__Output } from '../../nephele/v1/DeleteVmSetResponse.js';
import type { DestroyVmRequest as _nephele_v1_DestroyVmRequest, DestroyVmRequest__Output as _nephele_v1_DestroyVmRequest__Output } from '../../nephele/v1/DestroyVmRequest.js';
import type { DestroyVmResponse as _nephele_v1_DestroyVmResponse, DestroyVmResponse__Output as _nephele_v1_DestroyVmResponse__Output } from '../../nephele/v1/DestroyVmResponse.js';
import type { GetConsoleRequest as _nephele_v1_GetConsoleRequest, GetConsoleRequest__Output as _nephele_v1_GetConsoleRequest__Output } from '../../nephele/v1/GetConsoleRequest.js';
import type { GetPlanRequest as _nephele_v1_GetPlanRequest, GetPlanRequest__Output as _nephele_v1_GetPlanRequest__Output } from '../../nephele/v1/GetPlanRequest.js';
import type { GetPlanResponse as _nephele_v1_GetPlanResponse, GetPlanResponse__Output as _nephele_v1_GetPlanResponse__Output } from '../../nephele/v1/GetPlanResponse.js';
import type { GetVmRequest as _nephele_v1_GetVmRequest, GetVmRequest__Output as _nephele_v1_GetVmRequest__Output } from '../../nephele/v1/GetVmRequest.js';
import type { GetVmResponse as _nephele_v1_GetVmResponse, GetVmResponse__Output as _nephele_v1_GetVmResponse__Output } from '../../nephele/v1/GetVmResponse.js';
import type { GetVmSetRequest as _nephele_v1_GetVmSetRequest, GetVmSetRequest__Output as _nephele_v1_GetVmSetRequest__Output } from '../../nephele/v1/GetVmSetRequest.js';
import type { GetVmSetResponse as _nephele_v1_GetVmSetResponse, GetVmSetResponse__Output as _nephele_v1_GetVmSetResponse__Output } from '../../nephele/v1/GetVmSetResponse.js';
import type { ListVmSetsRequest as _nephele_v1_ListVmSetsRequest, ListVmSetsRequest__Output as _nephele_v1_ListVmSetsRequest__Output } from '../../nephele/v1/ListVmSetsRequest.js';
import type { ListVmSetsResponse as _nephele_v1_ListVmSetsResponse, ListVmSetsResponse__Output as _nephele_v1_ListVmSetsResponse__Output } from '../../nephele/v1/ListVmSetsResponse.js';
import type { ListVmsRequest as _nephele_v1_ListVmsRequest, ListVmsRequest__Output as _nephele_v1_ListVmsRequest__Output } from '../../nephele/v1/ListVmsRequest.js';
import type { ListVmsResponse as _nephele_v1_ListVmsResponse, ListVmsResponse__Output as _nephele_v1_ListVmsResponse__Output } from '../../nephele/v1/ListVmsResponse.js';
import type { MigrateVmRequest as _nephele_v1_MigrateVmRequest, MigrateVmRequest__Output as _nephele_v1_MigrateVmRequest__Output } from '../../nephele/v1/MigrateVmRequest.js';
import type { MigrateVmResponse as _nephele_v1_MigrateVmResponse, MigrateVmResponse__Output as _nephele_v1_MigrateVmResponse__Output } from '../../nephele/v1/MigrateVmResponse.js';
import type { RebootVmRequest as _nephele_v1_RebootVmRequest, RebootVmRequest__Output as _nephele_v1_RebootVmRequest__Output } from '../../nephele/v1/RebootVmRequest.js';
import type { RebootVmResponse as _nephele_v1_RebootVmResponse, RebootVmResponse__Output as _nephele_v1_RebootVmResponse__Output } from '../../nephele/v1/RebootVmResponse.js';
import type { ResumeVmRequest as _nephele_v1_ResumeVmRequest, ResumeVmRequest__Output as _nephele_v1_ResumeVmRequest__Output } from '../../nephele/v1/ResumeVmRequest.js';
import type { ResumeVmResponse as _nephele_v1_ResumeVmResponse, ResumeVmResponse__Output as _nephele_v1_ResumeVmResponse__Output } from '../../nephele/v1/ResumeVmResponse.js';
import type { ScaleVmSetRequest as _nephele_v1_ScaleVmSetRequest, ScaleVmSetRequest__Output as _nephele_v1_ScaleVmSetRequest__Output } from '../../nephele/v1/ScaleVmSetRequest.js';
import type { ScaleVmSetResponse as _nephele_v1_ScaleVmSetResponse, ScaleVmSetResponse__Output as _nephele_v1_ScaleVmSetResponse__Output } from '../../nephele/v1/ScaleVmSetResponse.js';
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
  
  CreateVmSet(argument: _nephele_v1_CreateVmSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateVmSetResponse__Output>): grpc.ClientUnaryCall;
  CreateVmSet(argument: _nephele_v1_CreateVmSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateVmSetResponse__Output>): grpc.ClientUnaryCall;
  CreateVmSet(argument: _nephele_v1_CreateVmSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateVmSetResponse__Output>): grpc.ClientUnaryCall;
  CreateVmSet(argument: _nephele_v1_CreateVmSetRequest, callback: grpc.requestCallback<_nephele_v1_CreateVmSetResponse__Output>): grpc.ClientUnaryCall;
  createVmSet(argument: _nephele_v1_CreateVmSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateVmSetResponse__Output>): grpc.ClientUnaryCall;
  createVmSet(argument: _nephele_v1_CreateVmSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateVmSetResponse__Output>): grpc.ClientUnaryCall;
  createVmSet(argument: _nephele_v1_CreateVmSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateVmSetResponse__Output>): grpc.ClientUnaryCall;
  createVmSet(argument: _nephele_v1_CreateVmSetRequest, callback: grpc.requestCallback<_nephele_v1_CreateVmSetResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteVmSet(argument: _nephele_v1_DeleteVmSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteVmSetResponse__Output>): grpc.ClientUnaryCall;
  DeleteVmSet(argument: _nephele_v1_DeleteVmSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DeleteVmSetResponse__Output>): grpc.ClientUnaryCall;
  DeleteVmSet(argument: _nephele_v1_DeleteVmSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteVmSetResponse__Output>): grpc.ClientUnaryCall;
  DeleteVmSet(argument: _nephele_v1_DeleteVmSetRequest, callback: grpc.requestCallback<_nephele_v1_DeleteVmSetResponse__Output>): grpc.ClientUnaryCall;
  deleteVmSet(argument: _nephele_v1_DeleteVmSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteVmSetResponse__Output>): grpc.ClientUnaryCall;
  deleteVmSet(argument: _nephele_v1_DeleteVmSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DeleteVmSetResponse__Output>): grpc.ClientUnaryCall;
  deleteVmSet(argument: _nephele_v1_DeleteVmSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteVmSetResponse__Output>): grpc.ClientUnaryCall;
  deleteVmSet(argument: _nephele_v1_DeleteVmSetRequest, callback: grpc.requestCallback<_nephele_v1_DeleteVmSetResponse__Output>): grpc.ClientUnaryCall;
  
  DestroyVm(argument: _nephele_v1_DestroyVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  DestroyVm(argument: _nephele_v1_DestroyVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  DestroyVm(argument: _nephele_v1_DestroyVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  DestroyVm(argument: _nephele_v1_DestroyVmRequest, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  destroyVm(argument: _nephele_v1_DestroyVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  destroyVm(argument: _nephele_v1_DestroyVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  destroyVm(argument: _nephele_v1_DestroyVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  destroyVm(argument: _nephele_v1_DestroyVmRequest, callback: grpc.requestCallback<_nephele_v1_DestroyVmResponse__Output>): grpc.ClientUnaryCall;
  
  GetConsole(argument: _nephele_v1_GetConsoleRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ConsoleOutput__Output>;
  GetConsole(argument: _nephele_v1_GetConsoleRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ConsoleOutput__Output>;
  getConsole(argument: _nephele_v1_GetConsoleRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ConsoleOutput__Output>;
  getConsole(argument: _nephele_v1_GetConsoleRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ConsoleOutput__Output>;
  
  GetPlan(argument: _nephele_v1_GetPlanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetPlanResponse__Output>): grpc.ClientUnaryCall;
  GetPlan(argument: _nephele_v1_GetPlanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetPlanResponse__Output>): grpc.ClientUnaryCall;
  GetPlan(argument: _nephele_v1_GetPlanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetPlanResponse__Output>): grpc.ClientUnaryCall;
  GetPlan(argument: _nephele_v1_GetPlanRequest, callback: grpc.requestCallback<_nephele_v1_GetPlanResponse__Output>): grpc.ClientUnaryCall;
  getPlan(argument: _nephele_v1_GetPlanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetPlanResponse__Output>): grpc.ClientUnaryCall;
  getPlan(argument: _nephele_v1_GetPlanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetPlanResponse__Output>): grpc.ClientUnaryCall;
  getPlan(argument: _nephele_v1_GetPlanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetPlanResponse__Output>): grpc.ClientUnaryCall;
  getPlan(argument: _nephele_v1_GetPlanRequest, callback: grpc.requestCallback<_nephele_v1_GetPlanResponse__Output>): grpc.ClientUnaryCall;
  
  GetVm(argument: _nephele_v1_GetVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  GetVm(argument: _nephele_v1_GetVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  GetVm(argument: _nephele_v1_GetVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  GetVm(argument: _nephele_v1_GetVmRequest, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  getVm(argument: _nephele_v1_GetVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  getVm(argument: _nephele_v1_GetVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  getVm(argument: _nephele_v1_GetVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  getVm(argument: _nephele_v1_GetVmRequest, callback: grpc.requestCallback<_nephele_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  
  GetVmSet(argument: _nephele_v1_GetVmSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmSetResponse__Output>): grpc.ClientUnaryCall;
  GetVmSet(argument: _nephele_v1_GetVmSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetVmSetResponse__Output>): grpc.ClientUnaryCall;
  GetVmSet(argument: _nephele_v1_GetVmSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmSetResponse__Output>): grpc.ClientUnaryCall;
  GetVmSet(argument: _nephele_v1_GetVmSetRequest, callback: grpc.requestCallback<_nephele_v1_GetVmSetResponse__Output>): grpc.ClientUnaryCall;
  getVmSet(argument: _nephele_v1_GetVmSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmSetResponse__Output>): grpc.ClientUnaryCall;
  getVmSet(argument: _nephele_v1_GetVmSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetVmSetResponse__Output>): grpc.ClientUnaryCall;
  getVmSet(argument: _nephele_v1_GetVmSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetVmSetResponse__Output>): grpc.ClientUnaryCall;
  getVmSet(argument: _nephele_v1_GetVmSetRequest, callback: grpc.requestCallback<_nephele_v1_GetVmSetResponse__Output>): grpc.ClientUnaryCall;
  
  ListVmSets(argument: _nephele_v1_ListVmSetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmSetsResponse__Output>): grpc.ClientUnaryCall;
  ListVmSets(argument: _nephele_v1_ListVmSetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListVmSetsResponse__Output>): grpc.ClientUnaryCall;
  ListVmSets(argument: _nephele_v1_ListVmSetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmSetsResponse__Output>): grpc.ClientUnaryCall;
  ListVmSets(argument: _nephele_v1_ListVmSetsRequest, callback: grpc.requestCallback<_nephele_v1_ListVmSetsResponse__Output>): grpc.ClientUnaryCall;
  listVmSets(argument: _nephele_v1_ListVmSetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmSetsResponse__Output>): grpc.ClientUnaryCall;
  listVmSets(argument: _nephele_v1_ListVmSetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListVmSetsResponse__Output>): grpc.ClientUnaryCall;
  listVmSets(argument: _nephele_v1_ListVmSetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmSetsResponse__Output>): grpc.ClientUnaryCall;
  listVmSets(argument: _nephele_v1_ListVmSetsRequest, callback: grpc.requestCallback<_nephele_v1_ListVmSetsResponse__Output>): grpc.ClientUnaryCall;
  
  ListVms(argument: _nephele_v1_ListVmsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  ListVms(argument: _nephele_v1_ListVmsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  ListVms(argument: _nephele_v1_ListVmsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  ListVms(argument: _nephele_v1_ListVmsRequest, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  listVms(argument: _nephele_v1_ListVmsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  listVms(argument: _nephele_v1_ListVmsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  listVms(argument: _nephele_v1_ListVmsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  listVms(argument: _nephele_v1_ListVmsRequest, callback: grpc.requestCallback<_nephele_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  
  MigrateVm(argument: _nephele_v1_MigrateVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_MigrateVmResponse__Output>): grpc.ClientUnaryCall;
  MigrateVm(argument: _nephele_v1_MigrateVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_MigrateVmResponse__Output>): grpc.ClientUnaryCall;
  MigrateVm(argument: _nephele_v1_MigrateVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_MigrateVmResponse__Output>): grpc.ClientUnaryCall;
  MigrateVm(argument: _nephele_v1_MigrateVmRequest, callback: grpc.requestCallback<_nephele_v1_MigrateVmResponse__Output>): grpc.ClientUnaryCall;
  migrateVm(argument: _nephele_v1_MigrateVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_MigrateVmResponse__Output>): grpc.ClientUnaryCall;
  migrateVm(argument: _nephele_v1_MigrateVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_MigrateVmResponse__Output>): grpc.ClientUnaryCall;
  migrateVm(argument: _nephele_v1_MigrateVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_MigrateVmResponse__Output>): grpc.ClientUnaryCall;
  migrateVm(argument: _nephele_v1_MigrateVmRequest, callback: grpc.requestCallback<_nephele_v1_MigrateVmResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  ScaleVmSet(argument: _nephele_v1_ScaleVmSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ScaleVmSetResponse__Output>): grpc.ClientUnaryCall;
  ScaleVmSet(argument: _nephele_v1_ScaleVmSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ScaleVmSetResponse__Output>): grpc.ClientUnaryCall;
  ScaleVmSet(argument: _nephele_v1_ScaleVmSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ScaleVmSetResponse__Output>): grpc.ClientUnaryCall;
  ScaleVmSet(argument: _nephele_v1_ScaleVmSetRequest, callback: grpc.requestCallback<_nephele_v1_ScaleVmSetResponse__Output>): grpc.ClientUnaryCall;
  scaleVmSet(argument: _nephele_v1_ScaleVmSetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ScaleVmSetResponse__Output>): grpc.ClientUnaryCall;
  scaleVmSet(argument: _nephele_v1_ScaleVmSetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ScaleVmSetResponse__Output>): grpc.ClientUnaryCall;
  scaleVmSet(argument: _nephele_v1_ScaleVmSetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ScaleVmSetResponse__Output>): grpc.ClientUnaryCall;
  scaleVmSet(argument: _nephele_v1_ScaleVmSetRequest, callback: grpc.requestCallback<_nephele_v1_ScaleVmSetResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  CreateVmSet: grpc.handleUnaryCall<_nephele_v1_CreateVmSetRequest__Output, _nephele_v1_CreateVmSetResponse>;
  
  DeleteVmSet: grpc.handleUnaryCall<_nephele_v1_DeleteVmSetRequest__Output, _nephele_v1_DeleteVmSetResponse>;
  
  DestroyVm: grpc.handleUnaryCall<_nephele_v1_DestroyVmRequest__Output, _nephele_v1_DestroyVmResponse>;
  
  GetConsole: grpc.handleServerStreamingCall<_nephele_v1_GetConsoleRequest__Output, _nephele_v1_ConsoleOutput>;
  
  GetPlan: grpc.handleUnaryCall<_nephele_v1_GetPlanRequest__Output, _nephele_v1_GetPlanResponse>;
  
  GetVm: grpc.handleUnaryCall<_nephele_v1_GetVmRequest__Output, _nephele_v1_GetVmResponse>;
  
  GetVmSet: grpc.handleUnaryCall<_nephele_v1_GetVmSetRequest__Output, _nephele_v1_GetVmSetResponse>;
  
  ListVmSets: grpc.handleUnaryCall<_nephele_v1_ListVmSetsRequest__Output, _nephele_v1_ListVmSetsResponse>;
  
  ListVms: grpc.handleUnaryCall<_nephele_v1_ListVmsRequest__Output, _nephele_v1_ListVmsResponse>;
  
  MigrateVm: grpc.handleUnaryCall<_nephele_v1_MigrateVmRequest__Output, _nephele_v1_MigrateVmResponse>;
  
  RebootVm: grpc.handleUnaryCall<_nephele_v1_RebootVmRequest__Output, _nephele_v1_RebootVmResponse>;
  
  ResumeVm: grpc.handleUnaryCall<_nephele_v1_ResumeVmRequest__Output, _nephele_v1_ResumeVmResponse>;
  
  ScaleVmSet: grpc.handleUnaryCall<_nephele_v1_ScaleVmSetRequest__Output, _nephele_v1_ScaleVmSetResponse>;
  
  StartVm: grpc.handleUnaryCall<_nephele_v1_StartVmRequest__Output, _nephele_v1_StartVmResponse>;
  
  StopVm: grpc.handleUnaryCall<_nephele_v1_StopVmRequest__Output, _nephele_v1_StopVmResponse>;
  
  SuspendVm: grpc.handleUnaryCall<_nephele_v1_SuspendVmRequest__Output, _nephele_v1_SuspendVmResponse>;
  
}

export interface VmServiceDefinition extends grpc.ServiceDefinition {
  CreateVm: MethodDefinition<_nephele_v1_CreateVmRequest, _nephele_v1_CreateVmResponse, _nephele_v1_CreateVmRequest__Output, _nephele_v1_CreateVmResponse__Output>
  CreateVmSet: MethodDefinition<_nephele_v1_CreateVmSetRequest, _nephele_v1_CreateVmSetResponse, _nephele_v1_CreateVmSetRequest__Output, _nephele_v1_CreateVmSetResponse__Output>
  DeleteVmSet: MethodDefinition<_nephele_v1_DeleteVmSetRequest, _nephele_v1_DeleteVmSetResponse, _nephele_v1_DeleteVmSetRequest__Output, _nephele_v1_DeleteVmSetResponse__Output>
  DestroyVm: MethodDefinition<_nephele_v1_DestroyVmRequest, _nephele_v1_DestroyVmResponse, _nephele_v1_DestroyVmRequest__Output, _nephele_v1_DestroyVmResponse__Output>
  GetConsole: MethodDefinition<_nephele_v1_GetConsoleRequest, _nephele_v1_ConsoleOutput, _nephele_v1_GetConsoleRequest__Output, _nephele_v1_ConsoleOutput__Output>
  GetPlan: MethodDefinition<_nephele_v1_GetPlanRequest, _nephele_v1_GetPlanResponse, _nephele_v1_GetPlanRequest__Output, _nephele_v1_GetPlanResponse__Output>
  GetVm: MethodDefinition<_nephele_v1_GetVmRequest, _nephele_v1_GetVmResponse, _nephele_v1_GetVmRequest__Output, _nephele_v1_GetVmResponse__Output>
  GetVmSet: MethodDefinition<_nephele_v1_GetVmSetRequest, _nephele_v1_GetVmSetResponse, _nephele_v1_GetVmSetRequest__Output, _nephele_v1_GetVmSetResponse__Output>
  ListVmSets: MethodDefinition<_nephele_v1_ListVmSetsRequest, _nephele_v1_ListVmSetsResponse, _nephele_v1_ListVmSetsRequest__Output, _nephele_v1_ListVmSetsResponse__Output>
  ListVms: MethodDefinition<_nephele_v1_ListVmsRequest, _nephele_v1_ListVmsResponse, _nephele_v1_ListVmsRequest__Output, _nephele_v1_ListVmsResponse__Output>
  MigrateVm: MethodDefinition<_nephele_v1_MigrateVmRequest, _nephele_v1_MigrateVmResponse, _nephele_v1_MigrateVmRequest__Output, _nephele_v1_MigrateVmResponse__Output>
  RebootVm: MethodDefinition<_nephele_v1_RebootVmRequest, _nephele_v1_RebootVmResponse, _nephele_v1_RebootVmRequest__Output, _nephele_v1_RebootVmResponse__Output>
  ResumeVm: MethodDefinition<_nephele_v1_ResumeVmRequest, _nephele_v1_ResumeVmResponse, _nephele_v1_ResumeVmRequest__Output, _nephele_v1_ResumeVmResponse__Output>
  ScaleVmSet: MethodDefinition<_nephele_v1_ScaleVmSetRequest, _nephele_v1_ScaleVmSetResponse, _nephele_v1_ScaleVmSetRequest__Output, _nephele_v1_ScaleVmSetResponse__Output>
  StartVm: MethodDefinition<_nephele_v1_StartVmRequest, _nephele_v1_StartVmResponse, _nephele_v1_StartVmRequest__Output, _nephele_v1_StartVmResponse__Output>
  StopVm: MethodDefinition<_nephele_v1_StopVmRequest, _nephele_v1_StopVmResponse, _nephele_v1_StopVmRequest__Output, _nephele_v1_StopVmResponse__Output>
  SuspendVm: MethodDefinition<_nephele_v1_SuspendVmRequest, _nephele_v1_SuspendVmResponse, _nephele_v1_SuspendVmRequest__Output, _nephele_v1_SuspendVmResponse__Output>
}
