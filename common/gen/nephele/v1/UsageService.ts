// Original file: proto/nephele/v1/usage.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AddPeerRequest as _nephele_v1_AddPeerRequest, AddPeerRequest__Output as _nephele_v1_AddPeerRequest__Output } from '../../nephele/v1/AddPeerRequest.js';
import type { AddPeerResponse as _nephele_v1_AddPeerResponse, AddPeerResponse__Output as _nephele_v1_AddPeerResponse__Output } from '../../nephele/v1/AddPeerResponse.js';
import type { ApplyBackupPlanRequest as _nephele_v1_ApplyBackupPlanRequest, ApplyBackupPlanRequest__Output as _nephele_v1_ApplyBackupPlanRequest__Output } from '../../nephele/v1/ApplyBackupPlanRequest.js';
import type { ApplyBackupPlanResponse as _nephele_v1_ApplyBackupPlanResponse, ApplyBackupPlanResponse__Output as _nephele_v1_ApplyBackupPlanResponse__Output } from '../../nephele/v1/ApplyBackupPlanResponse.js';
import type { CreateExportScheduleRequest as _nephele_v1_CreateExportScheduleRequest, CreateExportScheduleRequest__Output as _nephele_v1_CreateExportScheduleRequest__Output } from '../../nephele/v1/CreateExportScheduleRequest.js';
import type { CreateExportScheduleResponse as _nephele_v1_CreateExportScheduleResponse, CreateExportScheduleResponse__Output as _nephele_v1_CreateExportScheduleResponse__Output } from '../../nephele/v1/CreateExportScheduleResponse.js';
import type { DeleteExportScheduleRequest as _nephele_v1_DeleteExportScheduleRequest, DeleteExportScheduleRequest__Output as _nephele_v1_DeleteExportScheduleRequest__Output } from '../../nephele/v1/DeleteExportScheduleRequest.js';
import type { DeleteExportScheduleResponse as _nephele_v1_DeleteExportScheduleResponse, DeleteExportScheduleResponse__Output as _nephele_v1_DeleteExportScheduleResponse__Output } from '../../nephele/v1/DeleteExportScheduleResponse.js';
import type { ExportUsageChunk as _nephele_v1_ExportUsageChunk, ExportUsageChunk__Output as _nephele_v1_ExportUsageChunk__Output } from '../../nephele/v1/ExportUsageChunk.js';
import type { ExportUsageRequest as _nephele_v1_ExportUsageRequest, ExportUsageRequest__Output as _nephele_v1_ExportUsageRequest__Output } from '../../nephele/v1/ExportUsageRequest.js';
import type { FailoverBackupRequest as _nephele_v1_FailoverBackupRequest, FailoverBackupRequest__Output as _nephele_v1_FailoverBackupRequest__Output } from '../../nephele/v1/FailoverBackupRequest.js';
import type { FailoverBackupResponse as _nephele_v1_FailoverBackupResponse, FailoverBackupResponse__Output as _nephele_v1_FailoverBackupResponse__Output } from '../../nephele/v1/FailoverBackupResponse.js';
import type { GetBackupPlanRequest as _nephele_v1_GetBackupPlanRequest, GetBackupPlanRequest__Output as _nephele_v1_GetBackupPlanRequest__Output } from '../../nephele/v1/GetBackupPlanRequest.js';
import type { GetBackupPlanResponse as _nephele_v1_GetBackupPlanResponse, GetBackupPlanResponse__Output as _nephele_v1_GetBackupPlanResponse__Output } from '../../nephele/v1/GetBackupPlanResponse.js';
import type { GetRateCardRequest as _nephele_v1_GetRateCardRequest, GetRateCardRequest__Output as _nephele_v1_GetRateCardRequest__Output } from '../../nephele/v1/GetRateCardRequest.js';
import type { GetRateCardResponse as _nephele_v1_GetRateCardResponse, GetRateCardResponse__Output as _nephele_v1_GetRateCardResponse__Output } from '../../nephele/v1/GetRateCardResponse.js';
import type { ImportUsageRequest as _nephele_v1_ImportUsageRequest, ImportUsageRequest__Output as _nephele_v1_ImportUsageRequest__Output } from '../../nephele/v1/ImportUsageRequest.js';
import type { ImportUsageResponse as _nephele_v1_ImportUsageResponse, ImportUsageResponse__Output as _nephele_v1_ImportUsageResponse__Output } from '../../nephele/v1/ImportUsageResponse.js';
import type { ListExportSchedulesRequest as _nephele_v1_ListExportSchedulesRequest, ListExportSchedulesRequest__Output as _nephele_v1_ListExportSchedulesRequest__Output } from '../../nephele/v1/ListExportSchedulesRequest.js';
import type { ListExportSchedulesResponse as _nephele_v1_ListExportSchedulesResponse, ListExportSchedulesResponse__Output as _nephele_v1_ListExportSchedulesResponse__Output } from '../../nephele/v1/ListExportSchedulesResponse.js';
import type { ListPeersRequest as _nephele_v1_ListPeersRequest, ListPeersRequest__Output as _nephele_v1_ListPeersRequest__Output } from '../../nephele/v1/ListPeersRequest.js';
import type { ListPeersResponse as _nephele_v1_ListPeersResponse, ListPeersResponse__Output as _nephele_v1_ListPeersResponse__Output } from '../../nephele/v1/ListPeersResponse.js';
import type { PushUsageRequest as _nephele_v1_PushUsageRequest, PushUsageRequest__Output as _nephele_v1_PushUsageRequest__Output } from '../../nephele/v1/PushUsageRequest.js';
import type { PushUsageResponse as _nephele_v1_PushUsageResponse, PushUsageResponse__Output as _nephele_v1_PushUsageResponse__Output } from '../../nephele/v1/PushUsageResponse.js';
import type { QueryUsageRequest as _nephele_v1_QueryUsageRequest, QueryUsageRequest__Output as _nephele_v1_QueryUsageRequest__Output } from '../../nephele/v1/QueryUsageRequest.js';
import type { QueryUsageResponse as _nephele_v1_QueryUsageResponse, QueryUsageResponse__Output as _nephele_v1_QueryUsageResponse__Output } from '../../nephele/v1/QueryUsageResponse.js';
import type { RemovePeerRequest as _nephele_v1_RemovePeerRequest, RemovePeerRequest__Output as _nephele_v1_RemovePeerRequest__Output } from '../../nephele/v1/RemovePeerRequest.js';
import type { RemovePeerResponse as _nephele_v1_RemovePeerResponse, RemovePeerResponse__Output as _nephele_v1_RemovePeerResponse__Output } from '../../nephele/v1/RemovePeerResponse.js';
import type { SetRateCardRequest as _nephele_v1_SetRateCardRequest, SetRateCardRequest__Output as _nephele_v1_SetRateCardRequest__Output } from '../../nephele/v1/SetRateCardRequest.js';
import type { SetRateCardResponse as _nephele_v1_SetRateCardResponse, SetRateCardResponse__Output as _nephele_v1_SetRateCardResponse__Output } from '../../nephele/v1/SetRateCardResponse.js';

export interface UsageServiceClient extends grpc.Client {
  AddPeer(argument: _nephele_v1_AddPeerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_AddPeerResponse__Output>): grpc.ClientUnaryCall;
  AddPeer(argument: _nephele_v1_AddPeerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_AddPeerResponse__Output>): grpc.ClientUnaryCall;
  AddPeer(argument: _nephele_v1_AddPeerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_AddPeerResponse__Output>): grpc.ClientUnaryCall;
  AddPeer(argument: _nephele_v1_AddPeerRequest, callback: grpc.requestCallback<_nephele_v1_AddPeerResponse__Output>): grpc.ClientUnaryCall;
  addPeer(argument: _nephele_v1_AddPeerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_AddPeerResponse__Output>): grpc.ClientUnaryCall;
  addPeer(argument: _nephele_v1_AddPeerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_AddPeerResponse__Output>): grpc.ClientUnaryCall;
  addPeer(argument: _nephele_v1_AddPeerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_AddPeerResponse__Output>): grpc.ClientUnaryCall;
  addPeer(argument: _nephele_v1_AddPeerRequest, callback: grpc.requestCallback<_nephele_v1_AddPeerResponse__Output>): grpc.ClientUnaryCall;
  
  ApplyBackupPlan(argument: _nephele_v1_ApplyBackupPlanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ApplyBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  ApplyBackupPlan(argument: _nephele_v1_ApplyBackupPlanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ApplyBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  ApplyBackupPlan(argument: _nephele_v1_ApplyBackupPlanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ApplyBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  ApplyBackupPlan(argument: _nephele_v1_ApplyBackupPlanRequest, callback: grpc.requestCallback<_nephele_v1_ApplyBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  applyBackupPlan(argument: _nephele_v1_ApplyBackupPlanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ApplyBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  applyBackupPlan(argument: _nephele_v1_ApplyBackupPlanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ApplyBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  applyBackupPlan(argument: _nephele_v1_ApplyBackupPlanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ApplyBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  applyBackupPlan(argument: _nephele_v1_ApplyBackupPlanRequest, callback: grpc.requestCallback<_nephele_v1_ApplyBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  
  CreateExportSchedule(argument: _nephele_v1_CreateExportScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  CreateExportSchedule(argument: _nephele_v1_CreateExportScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  CreateExportSchedule(argument: _nephele_v1_CreateExportScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  CreateExportSchedule(argument: _nephele_v1_CreateExportScheduleRequest, callback: grpc.requestCallback<_nephele_v1_CreateExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  createExportSchedule(argument: _nephele_v1_CreateExportScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  createExportSchedule(argument: _nephele_v1_CreateExportScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  createExportSchedule(argument: _nephele_v1_CreateExportScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  createExportSchedule(argument: _nephele_v1_CreateExportScheduleRequest, callback: grpc.requestCallback<_nephele_v1_CreateExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteExportSchedule(argument: _nephele_v1_DeleteExportScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  DeleteExportSchedule(argument: _nephele_v1_DeleteExportScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DeleteExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  DeleteExportSchedule(argument: _nephele_v1_DeleteExportScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  DeleteExportSchedule(argument: _nephele_v1_DeleteExportScheduleRequest, callback: grpc.requestCallback<_nephele_v1_DeleteExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  deleteExportSchedule(argument: _nephele_v1_DeleteExportScheduleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  deleteExportSchedule(argument: _nephele_v1_DeleteExportScheduleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DeleteExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  deleteExportSchedule(argument: _nephele_v1_DeleteExportScheduleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  deleteExportSchedule(argument: _nephele_v1_DeleteExportScheduleRequest, callback: grpc.requestCallback<_nephele_v1_DeleteExportScheduleResponse__Output>): grpc.ClientUnaryCall;
  
  ExportUsage(argument: _nephele_v1_ExportUsageRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ExportUsageChunk__Output>;
  ExportUsage(argument: _nephele_v1_ExportUsageRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ExportUsageChunk__Output>;
  exportUsage(argument: _nephele_v1_ExportUsageRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ExportUsageChunk__Output>;
  exportUsage(argument: _nephele_v1_ExportUsageRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ExportUsageChunk__Output>;
  
  FailoverBackup(argument: _nephele_v1_FailoverBackupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_FailoverBackupResponse__Output>): grpc.ClientUnaryCall;
  FailoverBackup(argument: _nephele_v1_FailoverBackupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_FailoverBackupResponse__Output>): grpc.ClientUnaryCall;
  FailoverBackup(argument: _nephele_v1_FailoverBackupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_FailoverBackupResponse__Output>): grpc.ClientUnaryCall;
  FailoverBackup(argument: _nephele_v1_FailoverBackupRequest, callback: grpc.requestCallback<_nephele_v1_FailoverBackupResponse__Output>): grpc.ClientUnaryCall;
  failoverBackup(argument: _nephele_v1_FailoverBackupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_FailoverBackupResponse__Output>): grpc.ClientUnaryCall;
  failoverBackup(argument: _nephele_v1_FailoverBackupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_FailoverBackupResponse__Output>): grpc.ClientUnaryCall;
  failoverBackup(argument: _nephele_v1_FailoverBackupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_FailoverBackupResponse__Output>): grpc.ClientUnaryCall;
  failoverBackup(argument: _nephele_v1_FailoverBackupRequest, callback: grpc.requestCallback<_nephele_v1_FailoverBackupResponse__Output>): grpc.ClientUnaryCall;
  
  GetBackupPlan(argument: _nephele_v1_GetBackupPlanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  GetBackupPlan(argument: _nephele_v1_GetBackupPlanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  GetBackupPlan(argument: _nephele_v1_GetBackupPlanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  GetBackupPlan(argument: _nephele_v1_GetBackupPlanRequest, callback: grpc.requestCallback<_nephele_v1_GetBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  getBackupPlan(argument: _nephele_v1_GetBackupPlanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  getBackupPlan(argument: _nephele_v1_GetBackupPlanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  getBackupPlan(argument: _nephele_v1_GetBackupPlanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  getBackupPlan(argument: _nephele_v1_GetBackupPlanRequest, callback: grpc.requestCallback<_nephele_v1_GetBackupPlanResponse__Output>): grpc.ClientUnaryCall;
  
  GetRateCard(argument: _nephele_v1_GetRateCardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetRateCardResponse__Output>): grpc.ClientUnaryCall;
  GetRateCard(argument: _nephele_v1_GetRateCardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetRateCardResponse__Output>): grpc.ClientUnaryCall;
  GetRateCard(argument: _nephele_v1_GetRateCardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetRateCardResponse__Output>): grpc.ClientUnaryCall;
  GetRateCard(argument: _nephele_v1_GetRateCardRequest, callback: grpc.requestCallback<_nephele_v1_GetRateCardResponse__Output>): grpc.ClientUnaryCall;
  getRateCard(argument: _nephele_v1_GetRateCardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetRateCardResponse__Output>): grpc.ClientUnaryCall;
  getRateCard(argument: _nephele_v1_GetRateCardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetRateCardResponse__Output>): grpc.ClientUnaryCall;
  getRateCard(argument: _nephele_v1_GetRateCardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetRateCardResponse__Output>): grpc.ClientUnaryCall;
  getRateCard(argument: _nephele_v1_GetRateCardRequest, callback: grpc.requestCallback<_nephele_v1_GetRateCardResponse__Output>): grpc.ClientUnaryCall;
  
  ImportUsage(argument: _nephele_v1_ImportUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ImportUsageResponse__Output>): grpc.ClientUnaryCall;
  ImportUsage(argument: _nephele_v1_ImportUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ImportUsageResponse__Output>): grpc.ClientUnaryCall;
  ImportUsage(argument: _nephele_v1_ImportUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ImportUsageResponse__Output>): grpc.ClientUnaryCall;
  ImportUsage(argument: _nephele_v1_ImportUsageRequest, callback: grpc.requestCallback<_nephele_v1_ImportUsageResponse__Output>): grpc.ClientUnaryCall;
  importUsage(argument: _nephele_v1_ImportUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ImportUsageResponse__Output>): grpc.ClientUnaryCall;
  importUsage(argument: _nephele_v1_ImportUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ImportUsageResponse__Output>): grpc.ClientUnaryCall;
  importUsage(argument: _nephele_v1_ImportUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ImportUsageResponse__Output>): grpc.ClientUnaryCall;
  importUsage(argument: _nephele_v1_ImportUsageRequest, callback: grpc.requestCallback<_nephele_v1_ImportUsageResponse__Output>): grpc.ClientUnaryCall;
  
  ListExportSchedules(argument: _nephele_v1_ListExportSchedulesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListExportSchedulesResponse__Output>): grpc.ClientUnaryCall;
  ListExportSchedules(argument: _nephele_v1_ListExportSchedulesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListExportSchedulesResponse__Output>): grpc.ClientUnaryCall;
  ListExportSchedules(argument: _nephele_v1_ListExportSchedulesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListExportSchedulesResponse__Output>): grpc.ClientUnaryCall;
  ListExportSchedules(argument: _nephele_v1_ListExportSchedulesRequest, callback: grpc.requestCallback<_nephele_v1_ListExportSchedulesResponse__Output>): grpc.ClientUnaryCall;
  listExportSchedules(argument: _nephele_v1_ListExportSchedulesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListExportSchedulesResponse__Output>): grpc.ClientUnaryCall;
  listExportSchedules(argument: _nephele_v1_ListExportSchedulesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListExportSchedulesResponse__Output>): grpc.ClientUnaryCall;
  listExportSchedules(argument: _nephele_v1_ListExportSchedulesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListExportSchedulesResponse__Output>): grpc.ClientUnaryCall;
  listExportSchedules(argument: _nephele_v1_ListExportSchedulesRequest, callback: grpc.requestCallback<_nephele_v1_ListExportSchedulesResponse__Output>): grpc.ClientUnaryCall;
  
  ListPeers(argument: _nephele_v1_ListPeersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  ListPeers(argument: _nephele_v1_ListPeersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  ListPeers(argument: _nephele_v1_ListPeersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  ListPeers(argument: _nephele_v1_ListPeersRequest, callback: grpc.requestCallback<_nephele_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  listPeers(argument: _nephele_v1_ListPeersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  listPeers(argument: _nephele_v1_ListPeersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  listPeers(argument: _nephele_v1_ListPeersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  listPeers(argument: _nephele_v1_ListPeersRequest, callback: grpc.requestCallback<_nephele_v1_ListPeersResponse__Output>): grpc.ClientUnaryCall;
  
  PushUsage(argument: _nephele_v1_PushUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PushUsageResponse__Output>): grpc.ClientUnaryCall;
  PushUsage(argument: _nephele_v1_PushUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PushUsageResponse__Output>): grpc.ClientUnaryCall;
  PushUsage(argument: _nephele_v1_PushUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PushUsageResponse__Output>): grpc.ClientUnaryCall;
  PushUsage(argument: _nephele_v1_PushUsageRequest, callback: grpc.requestCallback<_nephele_v1_PushUsageResponse__Output>): grpc.ClientUnaryCall;
  pushUsage(argument: _nephele_v1_PushUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PushUsageResponse__Output>): grpc.ClientUnaryCall;
  pushUsage(argument: _nephele_v1_PushUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PushUsageResponse__Output>): grpc.ClientUnaryCall;
  pushUsage(argument: _nephele_v1_PushUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PushUsageResponse__Output>): grpc.ClientUnaryCall;
  pushUsage(argument: _nephele_v1_PushUsageRequest, callback: grpc.requestCallback<_nephele_v1_PushUsageResponse__Output>): grpc.ClientUnaryCall;
  
  QueryUsage(argument: _nephele_v1_QueryUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_QueryUsageResponse__Output>): grpc.ClientUnaryCall;
  QueryUsage(argument: _nephele_v1_QueryUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_QueryUsageResponse__Output>): grpc.ClientUnaryCall;
  QueryUsage(argument: _nephele_v1_QueryUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_QueryUsageResponse__Output>): grpc.ClientUnaryCall;
  QueryUsage(argument: _nephele_v1_QueryUsageRequest, callback: grpc.requestCallback<_nephele_v1_QueryUsageResponse__Output>): grpc.ClientUnaryCall;
  queryUsage(argument: _nephele_v1_QueryUsageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_QueryUsageResponse__Output>): grpc.ClientUnaryCall;
  queryUsage(argument: _nephele_v1_QueryUsageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_QueryUsageResponse__Output>): grpc.ClientUnaryCall;
  queryUsage(argument: _nephele_v1_QueryUsageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_QueryUsageResponse__Output>): grpc.ClientUnaryCall;
  queryUsage(argument: _nephele_v1_QueryUsageRequest, callback: grpc.requestCallback<_nephele_v1_QueryUsageResponse__Output>): grpc.ClientUnaryCall;
  
  RemovePeer(argument: _nephele_v1_RemovePeerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RemovePeerResponse__Output>): grpc.ClientUnaryCall;
  RemovePeer(argument: _nephele_v1_RemovePeerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RemovePeerResponse__Output>): grpc.ClientUnaryCall;
  RemovePeer(argument: _nephele_v1_RemovePeerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RemovePeerResponse__Output>): grpc.ClientUnaryCall;
  RemovePeer(argument: _nephele_v1_RemovePeerRequest, callback: grpc.requestCallback<_nephele_v1_RemovePeerResponse__Output>): grpc.ClientUnaryCall;
  removePeer(argument: _nephele_v1_RemovePeerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RemovePeerResponse__Output>): grpc.ClientUnaryCall;
  removePeer(argument: _nephele_v1_RemovePeerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RemovePeerResponse__Output>): grpc.ClientUnaryCall;
  removePeer(argument: _nephele_v1_RemovePeerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RemovePeerResponse__Output>): grpc.ClientUnaryCall;
  removePeer(argument: _nephele_v1_RemovePeerRequest, callback: grpc.requestCallback<_nephele_v1_RemovePeerResponse__Output>): grpc.ClientUnaryCall;
  
  SetRateCard(argument: _nephele_v1_SetRateCardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetRateCardResponse__Output>): grpc.ClientUnaryCall;
  SetRateCard(argument: _nephele_v1_SetRateCardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetRateCardResponse__Output>): grpc.ClientUnaryCall;
  SetRateCard(argument: _nephele_v1_SetRateCardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetRateCardResponse__Output>): grpc.ClientUnaryCall;
  SetRateCard(argument: _nephele_v1_SetRateCardRequest, callback: grpc.requestCallback<_nephele_v1_SetRateCardResponse__Output>): grpc.ClientUnaryCall;
  setRateCard(argument: _nephele_v1_SetRateCardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetRateCardResponse__Output>): grpc.ClientUnaryCall;
  setRateCard(argument: _nephele_v1_SetRateCardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetRateCardResponse__Output>): grpc.ClientUnaryCall;
  setRateCard(argument: _nephele_v1_SetRateCardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetRateCardResponse__Output>): grpc.ClientUnaryCall;
  setRateCard(argument: _nephele_v1_SetRateCardRequest, callback: grpc.requestCallback<_nephele_v1_SetRateCardResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface UsageServiceHandlers extends grpc.UntypedServiceImplementation {
  AddPeer: grpc.handleUnaryCall<_nephele_v1_AddPeerRequest__Output, _nephele_v1_AddPeerResponse>;
  
  ApplyBackupPlan: grpc.handleUnaryCall<_nephele_v1_ApplyBackupPlanRequest__Output, _nephele_v1_ApplyBackupPlanResponse>;
  
  CreateExportSchedule: grpc.handleUnaryCall<_nephele_v1_CreateExportScheduleRequest__Output, _nephele_v1_CreateExportScheduleResponse>;
  
  DeleteExportSchedule: grpc.handleUnaryCall<_nephele_v1_DeleteExportScheduleRequest__Output, _nephele_v1_DeleteExportScheduleResponse>;
  
  ExportUsage: grpc.handleServerStreamingCall<_nephele_v1_ExportUsageRequest__Output, _nephele_v1_ExportUsageChunk>;
  
  FailoverBackup: grpc.handleUnaryCall<_nephele_v1_FailoverBackupRequest__Output, _nephele_v1_FailoverBackupResponse>;
  
  GetBackupPlan: grpc.handleUnaryCall<_nephele_v1_GetBackupPlanRequest__Output, _nephele_v1_GetBackupPlanResponse>;
  
  GetRateCard: grpc.handleUnaryCall<_nephele_v1_GetRateCardRequest__Output, _nephele_v1_GetRateCardResponse>;
  
  ImportUsage: grpc.handleUnaryCall<_nephele_v1_ImportUsageRequest__Output, _nephele_v1_ImportUsageResponse>;
  
  ListExportSchedules: grpc.handleUnaryCall<_nephele_v1_ListExportSchedulesRequest__Output, _nephele_v1_ListExportSchedulesResponse>;
  
  ListPeers: grpc.handleUnaryCall<_nephele_v1_ListPeersRequest__Output, _nephele_v1_ListPeersResponse>;
  
  PushUsage: grpc.handleUnaryCall<_nephele_v1_PushUsageRequest__Output, _nephele_v1_PushUsageResponse>;
  
  QueryUsage: grpc.handleUnaryCall<_nephele_v1_QueryUsageRequest__Output, _nephele_v1_QueryUsageResponse>;
  
  RemovePeer: grpc.handleUnaryCall<_nephele_v1_RemovePeerRequest__Output, _nephele_v1_RemovePeerResponse>;
  
  SetRateCard: grpc.handleUnaryCall<_nephele_v1_SetRateCardRequest__Output, _nephele_v1_SetRateCardResponse>;
  
}

export interface UsageServiceDefinition extends grpc.ServiceDefinition {
  AddPeer: MethodDefinition<_nephele_v1_AddPeerRequest, _nephele_v1_AddPeerResponse, _nephele_v1_AddPeerRequest__Output, _nephele_v1_AddPeerResponse__Output>
  ApplyBackupPlan: MethodDefinition<_nephele_v1_ApplyBackupPlanRequest, _nephele_v1_ApplyBackupPlanResponse, _nephele_v1_ApplyBackupPlanRequest__Output, _nephele_v1_ApplyBackupPlanResponse__Output>
  CreateExportSchedule: MethodDefinition<_nephele_v1_CreateExportScheduleRequest, _nephele_v1_CreateExportScheduleResponse, _nephele_v1_CreateExportScheduleRequest__Output, _nephele_v1_CreateExportScheduleResponse__Output>
  DeleteExportSchedule: MethodDefinition<_nephele_v1_DeleteExportScheduleRequest, _nephele_v1_DeleteExportScheduleResponse, _nephele_v1_DeleteExportScheduleRequest__Output, _nephele_v1_DeleteExportScheduleResponse__Output>
  ExportUsage: MethodDefinition<_nephele_v1_ExportUsageRequest, _nephele_v1_ExportUsageChunk, _nephele_v1_ExportUsageRequest__Output, _nephele_v1_ExportUsageChunk__Output>
  FailoverBackup: MethodDefinition<_nephele_v1_FailoverBackupRequest, _nephele_v1_FailoverBackupResponse, _nephele_v1_FailoverBackupRequest__Output, _nephele_v1_FailoverBackupResponse__Output>
  GetBackupPlan: MethodDefinition<_nephele_v1_GetBackupPlanRequest, _nephele_v1_GetBackupPlanResponse, _nephele_v1_GetBackupPlanRequest__Output, _nephele_v1_GetBackupPlanResponse__Output>
  GetRateCard: MethodDefinition<_nephele_v1_GetRateCardRequest, _nephele_v1_GetRateCardResponse, _nephele_v1_GetRateCardRequest__Output, _nephele_v1_GetRateCardResponse__Output>
  ImportUsage: MethodDefinition<_nephele_v1_ImportUsageRequest, _nephele_v1_ImportUsageResponse, _nephele_v1_ImportUsageRequest__Output, _nephele_v1_ImportUsageResponse__Output>
  ListExportSchedules: MethodDefinition<_nephele_v1_ListExportSchedulesRequest, _nephele_v1_ListExportSchedulesResponse, _nephele_v1_ListExportSchedulesRequest__Output, _nephele_v1_ListExportSchedulesResponse__Output>
  ListPeers: MethodDefinition<_nephele_v1_ListPeersRequest, _nephele_v1_ListPeersResponse, _nephele_v1_ListPeersRequest__Output, _nephele_v1_ListPeersResponse__Output>
  PushUsage: MethodDefinition<_nephele_v1_PushUsageRequest, _nephele_v1_PushUsageResponse, _nephele_v1_PushUsageRequest__Output, _nephele_v1_PushUsageResponse__Output>
  QueryUsage: MethodDefinition<_nephele_v1_QueryUsageRequest, _nephele_v1_QueryUsageResponse, _nephele_v1_QueryUsageRequest__Output, _nephele_v1_QueryUsageResponse__Output>
  RemovePeer: MethodDefinition<_nephele_v1_RemovePeerRequest, _nephele_v1_RemovePeerResponse, _nephele_v1_RemovePeerRequest__Output, _nephele_v1_RemovePeerResponse__Output>
  SetRateCard: MethodDefinition<_nephele_v1_SetRateCardRequest, _nephele_v1_SetRateCardResponse, _nephele_v1_SetRateCardRequest__Output, _nephele_v1_SetRateCardResponse__Output>
}
