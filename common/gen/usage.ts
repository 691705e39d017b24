import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AddPeerRequest as _nephele_v1_AddPeerRequest, AddPeerRequest__Output as _nephele_v1_AddPeerRequest__Output } from './nephele/v1/AddPeerRequest.js';
import type { AddPeerResponse as _nephele_v1_AddPeerResponse, AddPeerResponse__Output as _nephele_v1_AddPeerResponse__Output } from './nephele/v1/AddPeerResponse.js';
import type { ApplyBackupPlanRequest as _nephele_v1_ApplyBackupPlanRequest, ApplyBackupPlanRequest__Output as _nephele_v1_ApplyBackupPlanRequest__Output } from './nephele/v1/ApplyBackupPlanRequest.js';
import type { ApplyBackupPlanResponse as _nephele_v1_ApplyBackupPlanResponse, ApplyBackupPlanResponse__Output as _nephele_v1_ApplyBackupPlanResponse__Output } from './nephele/v1/ApplyBackupPlanResponse.js';
import type { BackupDemand as _nephele_v1_BackupDemand, BackupDemand__Output as _nephele_v1_BackupDemand__Output } from './nephele/v1/BackupDemand.js';
import type { ConfigFile as _nephele_v1_ConfigFile, ConfigFile__Output as _nephele_v1_ConfigFile__Output } from './nephele/v1/ConfigFile.js';
import type { ConsoleOutput as _nephele_v1_ConsoleOutput, ConsoleOutput__Output as _nephele_v1_ConsoleOutput__Output } from './nephele/v1/ConsoleOutput.js';
import type { CreateExportScheduleRequest as _nephele_v1_CreateExportScheduleRequest, CreateExportScheduleRequest__Output as _nephele_v1_CreateExportScheduleRequest__Output } from './nephele/v1/CreateExportScheduleRequest.js';
import type { CreateExportScheduleResponse as _nephele_v1_CreateExportScheduleResponse, CreateExportScheduleResponse__Output as _nephele_v1_CreateExportScheduleResponse__Output } from './nephele/v1/CreateExportScheduleResponse.js';
import type { CreateVmRequest as _nephele_v1_CreateVmRequest, CreateVmRequest__Output as _nephele_v1_CreateVmRequest__Output } from './nephele/v1/CreateVmRequest.js';
import type { CreateVmResponse as _nephele_v1_CreateVmResponse, CreateVmResponse__Output as _nephele_v1_CreateVmResponse__Output } from './nephele/v1/CreateVmResponse.js';
import type { CreateVmSetRequest as _nephele_v1_CreateVmSetRequest, CreateVmSetRequest__Output as _nephele_v1_CreateVmSetRequest__Output } from './nephele/v1/CreateVmSetRequest.js';
import type { CreateVmSetResponse as _nephele_v1_CreateVmSetResponse, CreateVmSetResponse__Output as _nephele_v1_CreateVmSetResponse__Output } from './nephele/v1/CreateVmSetResponse.js';
import type { DeleteExportScheduleRequest as _nephele_v1_DeleteExportScheduleRequest, DeleteExportScheduleRequest__Output as _nephele_v1_DeleteExportScheduleRequest__Output } from './nephele/v1/DeleteExportScheduleRequest.js';
import type { DeleteExportScheduleResponse as _nephele_v1_DeleteExportScheduleResponse, DeleteExportScheduleResponse__Output as _nephele_v1_DeleteExportScheduleResponse__Output } from './nephele/v1/DeleteExportScheduleResponse.js';
import type { DeleteVmSetRequest as _nephele_v1_DeleteVmSetRequest, DeleteVmSetRequest__Output as _nephele_v1_DeleteVmSetRequest__Output } from './nephele/v1/DeleteVmSetRequest.js';
import type { DeleteVmSetResponse as _nephele_v1_DeleteVmSetResponse, DeleteVmSetResponse__Output as _nephele_v1_DeleteVmSetResponse__Output } from './nephele/v1/DeleteVmSetResponse.js';
import type { DestroyVmRequest as _nephele_v1_DestroyVmRequest, DestroyVmRequest__Output as _nephele_v1_DestroyVmRequest__Output } from './nephele/v1/DestroyVmRequest.js';
import type { DestroyVmResponse as _nephele_v1_DestroyVmResponse, DestroyVmResponse__Output as _nephele_v1_DestroyVmResponse__Output } from './nephele/v1/DestroyVmResponse.js';
import type { ExportDestination as _nephele_v1_ExportDestination, ExportDestination__Output as _nephele_v1_ExportDestination__Output } from './nephele/v1/ExportDestination.js';
import type { ExportSchedule as _nephele_v1_ExportSchedule, ExportSchedule__Output as _nephele_v1_ExportSchedule__Output } from './nephele/v1/ExportSchedule.js';
import type { ExportUsageChunk as _nephele_v1_ExportUsageChunk, ExportUsageChunk__Output as _nephele_v1_ExportUsageChunk__Output } from './nephele/v1/ExportUsageChunk.js';
import type { ExportUsageRequest as _nephele_v1_ExportUsageRequest, ExportUsageRequest__Output as _nephele_v1_ExportUsageRequest__Output } from './nephele/v1/ExportUsageRequest.js';
import type { FailoverBackupRequest as _nephele_v1_FailoverBackupRequest, FailoverBackupRequest__Output as _nephele_v1_FailoverBackupRequest__Output } from './nephele/v1/FailoverBackupRequest.js';
import type { FailoverBackupResponse as _nephele_v1_FailoverBackupResponse, FailoverBackupResponse__Output as _nephele_v1_FailoverBackupResponse__Output } from './nephele/v1/FailoverBackupResponse.js';
import type { GetBackupPlanRequest as _nephele_v1_GetBackupPlanRequest, GetBackupPlanRequest__Output as _nephele_v1_GetBackupPlanRequest__Output } from './nephele/v1/GetBackupPlanRequest.js';
import type { GetBackupPlanResponse as _nephele_v1_GetBackupPlanResponse, GetBackupPlanResponse__Output as _nephele_v1_GetBackupPlanResponse__Output } from './nephele/v1/GetBackupPlanResponse.js';
import type { GetConsoleRequest as _nephele_v1_GetConsoleRequest, GetConsoleRequest__Output as _nephele_v1_GetConsoleRequest__Output } from './nephele/v1/GetConsoleRequest.js';
import type { GetPlanRequest as _nephele_v1_GetPlanRequest, GetPlanRequest__Output as _nephele_v1_GetPlanRequest__Output } from './nephele/v1/GetPlanRequest.js';
import type { GetPlanResponse as _nephele_v1_GetPlanResponse, GetPlanResponse__Output as _nephele_v1_GetPlanResponse__Output } from './nephele/v1/GetPlanResponse.js';
import type { GetRateCardRequest as _nephele_v1_GetRateCardRequest, GetRateCardRequest__Output as _nephele_v1_GetRateCardRequest__Output } from './nephele/v1/GetRateCardRequest.js';
import type { GetRateCardResponse as _nephele_v1_GetRateCardResponse, GetRateCardResponse__Output as _nephele_v1_GetRateCardResponse__Output } from './nephele/v1/GetRateCardResponse.js';
import type { GetVmRequest as _nephele_v1_GetVmRequest, GetVmRequest__Output as _nephele_v1_GetVmRequest__Output } from './nephele/v1/GetVmRequest.js';
import type { GetVmResponse as _nephele_v1_GetVmResponse, GetVmResponse__Output as _nephele_v1_GetVmResponse__Output } from './nephele/v1/GetVmResponse.js';
import type { GetVmSetRequest as _nephele_v1_GetVmSetRequest, GetVmSetRequest__Output as _nephele_v1_GetVmSetRequest__Output } from './nephele/v1/GetVmSetRequest.js';
import type { GetVmSetResponse as _nephele_v1_GetVmSetResponse, GetVmSetResponse__Output as _nephele_v1_GetVmSetResponse__Output } from './nephele/v1/GetVmSetResponse.js';
import type { ImageRef as _nephele_v1_ImageRef, ImageRef__Output as _nephele_v1_ImageRef__Output } from './nephele/v1/ImageRef.js';
import type { ImportUsageRequest as _nephele_v1_ImportUsageRequest, ImportUsageRequest__Output as _nephele_v1_ImportUsageRequest__Output } from './nephele/v1/ImportUsageRequest.js';
import type { ImportUsageResponse as _nephele_v1_ImportUsageResponse, ImportUsageResponse__Output as _nephele_v1_ImportUsageResponse__Output } from './nephele/v1/ImportUsageResponse.js';
import type { ListExportSchedulesRequest as _nephele_v1_ListExportSchedulesRequest, ListExportSchedulesRequest__Output as _nephele_v1_ListExportSchedulesRequest__Output } from './nephele/v1/ListExportSchedulesRequest.js';
import type { ListExportSchedulesResponse as _nephele_v1_ListExportSchedulesResponse, ListExportSchedulesResponse__Output as _nephele_v1_ListExportSchedulesResponse__Output } from './nephele/v1/ListExportSchedulesResponse.js';
import type { ListPeersRequest as _nephele_v1_ListPeersRequest, ListPeersRequest__Output as _nephele_v1_ListPeersRequest__Output } from './nephele/v1/ListPeersRequest.js';
import type { ListPeersResponse as _nephele_v1_ListPeersResponse, ListPeersResponse__Output as _nephele_v1_ListPeersResponse__Output } from './nephele/v1/ListPeersResponse.js';
import type { ListVmSetsRequest as _nephele_v1_ListVmSetsRequest, ListVmSetsRequest__Output as _nephele_v1_ListVmSetsRequest__Output } from './nephele/v1/ListVmSetsRequest.js';
import type { ListVmSetsResponse as _nephele_v1_ListVmSetsResponse, ListVmSetsResponse__Output as _nephele_v1_ListVmSetsResponse__Output } from './nephele/v1/ListVmSetsResponse.js';
import type { ListVmsRequest as _nephele_v1_ListVmsRequest, ListVmsRequest__Output as _nephele_v1_ListVmsRequest__Output } from './nephele/v1/ListVmsRequest.js';
import type { ListVmsResponse as _nephele_v1_ListVmsResponse, ListVmsResponse__Output as _nephele_v1_ListVmsResponse__Output } from './nephele/v1/ListVmsResponse.js';
import type { MigrateVmRequest as _nephele_v1_MigrateVmRequest, MigrateVmRequest__Output as _nephele_v1_MigrateVmRequest__Output } from './nephele/v1/MigrateVmRequest.js';
import type { MigrateVmResponse as _nephele_v1_MigrateVmResponse, MigrateVmResponse__Output as _nephele_v1_MigrateVmResponse__Output } from './nephele/v1/MigrateVmResponse.js';
import type { Peer as _nephele_v1_Peer, Peer__Output as _nephele_v1_Peer__Output } from './nephele/v1/Peer.js';
import type { Plan as _nephele_v1_Plan, Plan__Output as _nephele_v1_Plan__Output } from './nephele/v1/Plan.js';
import type { PlanHostTotal as _nephele_v1_PlanHostTotal, PlanHostTotal__Output as _nephele_v1_PlanHostTotal__Output } from './nephele/v1/PlanHostTotal.js';
import type { PlanRow as _nephele_v1_PlanRow, PlanRow__Output as _nephele_v1_PlanRow__Output } from './nephele/v1/PlanRow.js';
import type { PushUsageRequest as _nephele_v1_PushUsageRequest, PushUsageRequest__Output as _nephele_v1_PushUsageRequest__Output } from './nephele/v1/PushUsageRequest.js';
import type { PushUsageResponse as _nephele_v1_PushUsageResponse, PushUsageResponse__Output as _nephele_v1_PushUsageResponse__Output } from './nephele/v1/PushUsageResponse.js';
import type { QueryUsageRequest as _nephele_v1_QueryUsageRequest, QueryUsageRequest__Output as _nephele_v1_QueryUsageRequest__Output } from './nephele/v1/QueryUsageRequest.js';
import type { QueryUsageResponse as _nephele_v1_QueryUsageResponse, QueryUsageResponse__Output as _nephele_v1_QueryUsageResponse__Output } from './nephele/v1/QueryUsageResponse.js';
import type { Rate as _nephele_v1_Rate, Rate__Output as _nephele_v1_Rate__Output } from './nephele/v1/Rate.js';
import type { RateCard as _nephele_v1_RateCard, RateCard__Output as _nephele_v1_RateCard__Output } from './nephele/v1/RateCard.js';
import type { RebootVmRequest as _nephele_v1_RebootVmRequest, RebootVmRequest__Output as _nephele_v1_RebootVmRequest__Output } from './nephele/v1/RebootVmRequest.js';
import type { RebootVmResponse as _nephele_v1_RebootVmResponse, RebootVmResponse__Output as _nephele_v1_RebootVmResponse__Output } from './nephele/v1/RebootVmResponse.js';
import type { RemovePeerRequest as _nephele_v1_RemovePeerRequest, RemovePeerRequest__Output as _nephele_v1_RemovePeerRequest__Output } from './nephele/v1/RemovePeerRequest.js';
import type { RemovePeerResponse as _nephele_v1_RemovePeerResponse, RemovePeerResponse__Output as _nephele_v1_RemovePeerResponse__Output } from './nephele/v1/RemovePeerResponse.js';
import type { ResumeVmRequest as _nephele_v1_ResumeVmRequest, ResumeVmRequest__Output as _nephele_v1_ResumeVmRequest__Output } from './nephele/v1/ResumeVmRequest.js';
import type { ResumeVmResponse as _nephele_v1_ResumeVmResponse, ResumeVmResponse__Output as _nephele_v1_ResumeVmResponse__Output } from './nephele/v1/ResumeVmResponse.js';
import type { ScaleVmSetRequest as _nephele_v1_ScaleVmSetRequest, ScaleVmSetRequest__Output as _nephele_v1_ScaleVmSetRequest__Output } from './nephele/v1/ScaleVmSetRequest.js';
import type { ScaleVmSetResponse as _nephele_v1_ScaleVmSetResponse, ScaleVmSetResponse__Output as _nephele_v1_ScaleVmSetResponse__Output } from './nephele/v1/ScaleVmSetResponse.js';
import type { SetRateCardRequest as _nephele_v1_SetRateCardRequest, SetRateCardRequest__Output as _nephele_v1_SetRateCardRequest__Output } from './nephele/v1/SetRateCardRequest.js';
import type { SetRateCardResponse as _nephele_v1_SetRateCardResponse, SetRateCardResponse__Output as _nephele_v1_SetRateCardResponse__Output } from './nephele/v1/SetRateCardResponse.js';
import type { StartVmRequest as _nephele_v1_StartVmRequest, StartVmRequest__Output as _nephele_v1_StartVmRequest__Output } from './nephele/v1/StartVmRequest.js';
import type { StartVmResponse as _nephele_v1_StartVmResponse, StartVmResponse__Output as _nephele_v1_StartVmResponse__Output } from './nephele/v1/StartVmResponse.js';
import type { StopVmRequest as _nephele_v1_StopVmRequest, StopVmRequest__Output as _nephele_v1_StopVmRequest__Output } from './nephele/v1/StopVmRequest.js';
import type { StopVmResponse as _nephele_v1_StopVmResponse, StopVmResponse__Output as _nephele_v1_StopVmResponse__Output } from './nephele/v1/StopVmResponse.js';
import type { SuspendVmRequest as _nephele_v1_SuspendVmRequest, SuspendVmRequest__Output as _nephele_v1_SuspendVmRequest__Output } from './nephele/v1/SuspendVmRequest.js';
import type { SuspendVmResponse as _nephele_v1_SuspendVmResponse, SuspendVmResponse__Output as _nephele_v1_SuspendVmResponse__Output } from './nephele/v1/SuspendVmResponse.js';
import type { UsageBatch as _nephele_v1_UsageBatch, UsageBatch__Output as _nephele_v1_UsageBatch__Output } from './nephele/v1/UsageBatch.js';
import type { UsageFilter as _nephele_v1_UsageFilter, UsageFilter__Output as _nephele_v1_UsageFilter__Output } from './nephele/v1/UsageFilter.js';
import type { UsageRow as _nephele_v1_UsageRow, UsageRow__Output as _nephele_v1_UsageRow__Output } from './nephele/v1/UsageRow.js';
import type { UsageServiceClient as _nephele_v1_UsageServiceClient, UsageServiceDefinition as _nephele_v1_UsageServiceDefinition } from './nephele/v1/UsageService.js';
import type { Vm as _nephele_v1_Vm, Vm__Output as _nephele_v1_Vm__Output } from './nephele/v1/Vm.js';
import type { VmServiceClient as _nephele_v1_VmServiceClient, VmServiceDefinition as _nephele_v1_VmServiceDefinition } from './nephele/v1/VmService.js';
import type { VmSet as _nephele_v1_VmSet, VmSet__Output as _nephele_v1_VmSet__Output } from './nephele/v1/VmSet.js';
import type { VmSetSpec as _nephele_v1_VmSetSpec, VmSetSpec__Output as _nephele_v1_VmSetSpec__Output } from './nephele/v1/VmSetSpec.js';
import type { VmSpec as _nephele_v1_VmSpec, VmSpec__Output as _nephele_v1_VmSpec__Output } from './nephele/v1/VmSpec.js';
import type { VmUsage as _nephele_v1_VmUsage, VmUsage__Output as _nephele_v1_VmUsage__Output } from './nephele/v1/VmUsage.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nephele: {
    v1: {
      AddPeerRequest: MessageTypeDefinition<_nephele_v1_AddPeerRequest, _nephele_v1_AddPeerRequest__Output>
      AddPeerResponse: MessageTypeDefinition<_nephele_v1_AddPeerResponse, _nephele_v1_AddPeerResponse__Output>
      ApplyBackupPlanRequest: MessageTypeDefinition<_nephele_v1_ApplyBackupPlanRequest, _nephele_v1_ApplyBackupPlanRequest__Output>
      ApplyBackupPlanResponse: MessageTypeDefinition<_nephele_v1_ApplyBackupPlanResponse, _nephele_v1_ApplyBackupPlanResponse__Output>
      BackupDemand: MessageTypeDefinition<_nephele_v1_BackupDemand, _nephele_v1_BackupDemand__Output>
      ConfigFile: MessageTypeDefinition<_nephele_v1_ConfigFile, _nephele_v1_ConfigFile__Output>
      ConsoleOutput: MessageTypeDefinition<_nephele_v1_ConsoleOutput, _nephele_v1_ConsoleOutput__Output>
      CreateExportScheduleRequest: MessageTypeDefinition<_nephele_v1_CreateExportScheduleRequest, _nephele_v1_CreateExportScheduleRequest__Output>
      CreateExportScheduleResponse: MessageTypeDefinition<_nephele_v1_CreateExportScheduleResponse, _nephele_v1_CreateExportScheduleResponse__Output>
      CreateVmRequest: MessageTypeDefinition<_nephele_v1_CreateVmRequest, _nephele_v1_CreateVmRequest__Output>
      CreateVmResponse: MessageTypeDefinition<_nephele_v1_CreateVmResponse, _nephele_v1_CreateVmResponse__Output>
      CreateVmSetRequest: MessageTypeDefinition<_nephele_v1_CreateVmSetRequest, _nephele_v1_CreateVmSetRequest__Output>
      CreateVmSetResponse: MessageTypeDefinition<_nephele_v1_CreateVmSetResponse, _nephele_v1_CreateVmSetResponse__Output>
      DeleteExportScheduleRequest: MessageTypeDefinition<_nephele_v1_DeleteExportScheduleRequest, _nephele_v1_DeleteExportScheduleRequest__Output>
      DeleteExportScheduleResponse: MessageTypeDefinition<_nephele_v1_DeleteExportScheduleResponse, _nephele_v1_DeleteExportScheduleResponse__Output>
      DeleteVmSetRequest: MessageTypeDefinition<_nephele_v1_DeleteVmSetRequest, _nephele_v1_DeleteVmSetRequest__Output>
      DeleteVmSetResponse: MessageTypeDefinition<_nephele_v1_DeleteVmSetResponse, _nephele_v1_DeleteVmSetResponse__Output>
      DesiredVmState: EnumTypeDefinition
      DestroyVmRequest: MessageTypeDefinition<_nephele_v1_DestroyVmRequest, _nephele_v1_DestroyVmRequest__Output>
      DestroyVmResponse: MessageTypeDefinition<_nephele_v1_DestroyVmResponse, _nephele_v1_DestroyVmResponse__Output>
      ExportDestination: MessageTypeDefinition<_nephele_v1_ExportDestination, _nephele_v1_ExportDestination__Output>
      ExportSchedule: MessageTypeDefinition<_nephele_v1_ExportSchedule, _nephele_v1_ExportSchedule__Output>
      ExportUsageChunk: MessageTypeDefinition<_nephele_v1_ExportUsageChunk, _nephele_v1_ExportUsageChunk__Output>
      ExportUsageRequest: MessageTypeDefinition<_nephele_v1_ExportUsageRequest, _nephele_v1_ExportUsageRequest__Output>
      FailoverBackupRequest: MessageTypeDefinition<_nephele_v1_FailoverBackupRequest, _nephele_v1_FailoverBackupRequest__Output>
      FailoverBackupResponse: MessageTypeDefinition<_nephele_v1_FailoverBackupResponse, _nephele_v1_FailoverBackupResponse__Output>
      GetBackupPlanRequest: MessageTypeDefinition<_nephele_v1_GetBackupPlanRequest, _nephele_v1_GetBackupPlanRequest__Output>
      GetBackupPlanResponse: MessageTypeDefinition<_nephele_v1_GetBackupPlanResponse, _nephele_v1_GetBackupPlanResponse__Output>
      GetConsoleRequest: MessageTypeDefinition<_nephele_v1_GetConsoleRequest, _nephele_v1_GetConsoleRequest__Output>
      GetPlanRequest: MessageTypeDefinition<_nephele_v1_GetPlanRequest, _nephele_v1_GetPlanRequest__Output>
      GetPlanResponse: MessageTypeDefinition<_nephele_v1_GetPlanResponse, _nephele_v1_GetPlanResponse__Output>
      GetRateCardRequest: MessageTypeDefinition<_nephele_v1_GetRateCardRequest, _nephele_v1_GetRateCardRequest__Output>
      GetRateCardResponse: MessageTypeDefinition<_nephele_v1_GetRateCardResponse, _nephele_v1_GetRateCardResponse__Output>
      GetVmRequest: MessageTypeDefinition<_nephele_v1_GetVmRequest, _nephele_v1_GetVmRequest__Output>
      GetVmResponse: MessageTypeDefinition<_nephele_v1_GetVmResponse, _nephele_v1_GetVmResponse__Output>
      GetVmSetRequest: MessageTypeDefinition<_nephele_v1_GetVmSetRequest, _nephele_v1_GetVmSetRequest__Output>
      GetVmSetResponse: MessageTypeDefinition<_nephele_v1_GetVmSetResponse, _nephele_v1_GetVmSetResponse__Output>
      ImageFormat: EnumTypeDefinition
      ImageRef: MessageTypeDefinition<_nephele_v1_ImageRef, _nephele_v1_ImageRef__Output>
      ImportUsageRequest: MessageTypeDefinition<_nephele_v1_ImportUsageRequest, _nephele_v1_ImportUsageRequest__Output>
      ImportUsageResponse: MessageTypeDefinition<_nephele_v1_ImportUsageResponse, _nephele_v1_ImportUsageResponse__Output>
      ListExportSchedulesRequest: MessageTypeDefinition<_nephele_v1_ListExportSchedulesRequest, _nephele_v1_ListExportSchedulesRequest__Output>
      ListExportSchedulesResponse: MessageTypeDefinition<_nephele_v1_ListExportSchedulesResponse, _nephele_v1_ListExportSchedulesResponse__Output>
      ListPeersRequest: MessageTypeDefinition<_nephele_v1_ListPeersRequest, _nephele_v1_ListPeersRequest__Output>
      ListPeersResponse: MessageTypeDefinition<_nephele_v1_ListPeersResponse, _nephele_v1_ListPeersResponse__Output>
      ListVmSetsRequest: MessageTypeDefinition<_nephele_v1_ListVmSetsRequest, _nephele_v1_ListVmSetsRequest__Output>
      ListVmSetsResponse: MessageTypeDefinition<_nephele_v1_ListVmSetsResponse, _nephele_v1_ListVmSetsResponse__Output>
      ListVmsRequest: MessageTypeDefinition<_nephele_v1_ListVmsRequest, _nephele_v1_ListVmsRequest__Output>
      ListVmsResponse: MessageTypeDefinition<_nephele_v1_ListVmsResponse, _nephele_v1_ListVmsResponse__Output>
      MigrateVmRequest: MessageTypeDefinition<_nephele_v1_MigrateVmRequest, _nephele_v1_MigrateVmRequest__Output>
      MigrateVmResponse: MessageTypeDefinition<_nephele_v1_MigrateVmResponse, _nephele_v1_MigrateVmResponse__Output>
      Peer: MessageTypeDefinition<_nephele_v1_Peer, _nephele_v1_Peer__Output>
      PlacementStrategy: EnumTypeDefinition
      Plan: MessageTypeDefinition<_nephele_v1_Plan, _nephele_v1_Plan__Output>
      PlanHostTotal: MessageTypeDefinition<_nephele_v1_PlanHostTotal, _nephele_v1_PlanHostTotal__Output>
      PlanRow: MessageTypeDefinition<_nephele_v1_PlanRow, _nephele_v1_PlanRow__Output>
      PushUsageRequest: MessageTypeDefinition<_nephele_v1_PushUsageRequest, _nephele_v1_PushUsageRequest__Output>
      PushUsageResponse: MessageTypeDefinition<_nephele_v1_PushUsageResponse, _nephele_v1_PushUsageResponse__Output>
      QueryUsageRequest: MessageTypeDefinition<_nephele_v1_QueryUsageRequest, _nephele_v1_QueryUsageRequest__Output>
      QueryUsageResponse: MessageTypeDefinition<_nephele_v1_QueryUsageResponse, _nephele_v1_QueryUsageResponse__Output>
      Rate: MessageTypeDefinition<_nephele_v1_Rate, _nephele_v1_Rate__Output>
      RateCard: MessageTypeDefinition<_nephele_v1_RateCard, _nephele_v1_RateCard__Output>
      RebootVmRequest: MessageTypeDefinition<_nephele_v1_RebootVmRequest, _nephele_v1_RebootVmRequest__Output>
      RebootVmResponse: MessageTypeDefinition<_nephele_v1_RebootVmResponse, _nephele_v1_RebootVmResponse__Output>
      RemovePeerRequest: MessageTypeDefinition<_nephele_v1_RemovePeerRequest, _nephele_v1_RemovePeerRequest__Output>
      RemovePeerResponse: MessageTypeDefinition<_nephele_v1_RemovePeerResponse, _nephele_v1_RemovePeerResponse__Output>
      ResumeVmRequest: MessageTypeDefinition<_nephele_v1_ResumeVmRequest, _nephele_v1_ResumeVmRequest__Output>
      ResumeVmResponse: MessageTypeDefinition<_nephele_v1_ResumeVmResponse, _nephele_v1_ResumeVmResponse__Output>
      ScaleVmSetRequest: MessageTypeDefinition<_nephele_v1_ScaleVmSetRequest, _nephele_v1_ScaleVmSetRequest__Output>
      ScaleVmSetResponse: MessageTypeDefinition<_nephele_v1_ScaleVmSetResponse, _nephele_v1_ScaleVmSetResponse__Output>
      SetAffinity: EnumTypeDefinition
      SetRateCardRequest: MessageTypeDefinition<_nephele_v1_SetRateCardRequest, _nephele_v1_SetRateCardRequest__Output>
      SetRateCardResponse: MessageTypeDefinition<_nephele_v1_SetRateCardResponse, _nephele_v1_SetRateCardResponse__Output>
      Sla: EnumTypeDefinition
      StartVmRequest: MessageTypeDefinition<_nephele_v1_StartVmRequest, _nephele_v1_StartVmRequest__Output>
      StartVmResponse: MessageTypeDefinition<_nephele_v1_StartVmResponse, _nephele_v1_StartVmResponse__Output>
      StopVmRequest: MessageTypeDefinition<_nephele_v1_StopVmRequest, _nephele_v1_StopVmRequest__Output>
      StopVmResponse: MessageTypeDefinition<_nephele_v1_StopVmResponse, _nephele_v1_StopVmResponse__Output>
      SuspendVmRequest: MessageTypeDefinition<_nephele_v1_SuspendVmRequest, _nephele_v1_SuspendVmRequest__Output>
      SuspendVmResponse: MessageTypeDefinition<_nephele_v1_SuspendVmResponse, _nephele_v1_SuspendVmResponse__Output>
      UsageBatch: MessageTypeDefinition<_nephele_v1_UsageBatch, _nephele_v1_UsageBatch__Output>
      UsageFilter: MessageTypeDefinition<_nephele_v1_UsageFilter, _nephele_v1_UsageFilter__Output>
      UsageGranularity: EnumTypeDefinition
      UsageRow: MessageTypeDefinition<_nephele_v1_UsageRow, _nephele_v1_UsageRow__Output>
      UsageService: SubtypeConstructor<typeof grpc.Client, _nephele_v1_UsageServiceClient> & { service: _nephele_v1_UsageServiceDefinition }
      Vm: MessageTypeDefinition<_nephele_v1_Vm, _nephele_v1_Vm__Output>
      VmService: SubtypeConstructor<typeof grpc.Client, _nephele_v1_VmServiceClient> & { service: _nephele_v1_VmServiceDefinition }
      VmSet: MessageTypeDefinition<_nephele_v1_VmSet, _nephele_v1_VmSet__Output>
      VmSetSpec: MessageTypeDefinition<_nephele_v1_VmSetSpec, _nephele_v1_VmSetSpec__Output>
      VmSetState: EnumTypeDefinition
      VmSpec: MessageTypeDefinition<_nephele_v1_VmSpec, _nephele_v1_VmSpec__Output>
      VmState: EnumTypeDefinition
      VmUsage: MessageTypeDefinition<_nephele_v1_VmUsage, _nephele_v1_VmUsage__Output>
    }
  }
}

