import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Ack as _nephele_v1_Ack, Ack__Output as _nephele_v1_Ack__Output } from './nephele/v1/Ack.js';
import type { ActionLadders as _nephele_v1_ActionLadders, ActionLadders__Output as _nephele_v1_ActionLadders__Output } from './nephele/v1/ActionLadders.js';
import type { AddPeerRequest as _nephele_v1_AddPeerRequest, AddPeerRequest__Output as _nephele_v1_AddPeerRequest__Output } from './nephele/v1/AddPeerRequest.js';
import type { AddPeerResponse as _nephele_v1_AddPeerResponse, AddPeerResponse__Output as _nephele_v1_AddPeerResponse__Output } from './nephele/v1/AddPeerResponse.js';
import type { AgentCommand as _nephele_v1_AgentCommand, AgentCommand__Output as _nephele_v1_AgentCommand__Output } from './nephele/v1/AgentCommand.js';
import type { AgentEvent as _nephele_v1_AgentEvent, AgentEvent__Output as _nephele_v1_AgentEvent__Output } from './nephele/v1/AgentEvent.js';
import type { AgentMessage as _nephele_v1_AgentMessage, AgentMessage__Output as _nephele_v1_AgentMessage__Output } from './nephele/v1/AgentMessage.js';
import type { AgentServiceClient as _nephele_v1_AgentServiceClient, AgentServiceDefinition as _nephele_v1_AgentServiceDefinition } from './nephele/v1/AgentService.js';
import type { AppAction as _nephele_v1_AppAction, AppAction__Output as _nephele_v1_AppAction__Output } from './nephele/v1/AppAction.js';
import type { Appliance as _nephele_v1_Appliance, Appliance__Output as _nephele_v1_Appliance__Output } from './nephele/v1/Appliance.js';
import type { ApplianceProcess as _nephele_v1_ApplianceProcess, ApplianceProcess__Output as _nephele_v1_ApplianceProcess__Output } from './nephele/v1/ApplianceProcess.js';
import type { ApplianceReport as _nephele_v1_ApplianceReport, ApplianceReport__Output as _nephele_v1_ApplianceReport__Output } from './nephele/v1/ApplianceReport.js';
import type { ApplianceState as _nephele_v1_ApplianceState, ApplianceState__Output as _nephele_v1_ApplianceState__Output } from './nephele/v1/ApplianceState.js';
import type { ApplyBackupPlanRequest as _nephele_v1_ApplyBackupPlanRequest, ApplyBackupPlanRequest__Output as _nephele_v1_ApplyBackupPlanRequest__Output } from './nephele/v1/ApplyBackupPlanRequest.js';
import type { ApplyBackupPlanResponse as _nephele_v1_ApplyBackupPlanResponse, ApplyBackupPlanResponse__Output as _nephele_v1_ApplyBackupPlanResponse__Output } from './nephele/v1/ApplyBackupPlanResponse.js';
import type { ApplyConfig as _nephele_v1_ApplyConfig, ApplyConfig__Output as _nephele_v1_ApplyConfig__Output } from './nephele/v1/ApplyConfig.js';
import type { BackupDemand as _nephele_v1_BackupDemand, BackupDemand__Output as _nephele_v1_BackupDemand__Output } from './nephele/v1/BackupDemand.js';
import type { BusDeliver as _nephele_v1_BusDeliver, BusDeliver__Output as _nephele_v1_BusDeliver__Output } from './nephele/v1/BusDeliver.js';
import type { BusPublish as _nephele_v1_BusPublish, BusPublish__Output as _nephele_v1_BusPublish__Output } from './nephele/v1/BusPublish.js';
import type { BusSubscription as _nephele_v1_BusSubscription, BusSubscription__Output as _nephele_v1_BusSubscription__Output } from './nephele/v1/BusSubscription.js';
import type { Capacity as _nephele_v1_Capacity, Capacity__Output as _nephele_v1_Capacity__Output } from './nephele/v1/Capacity.js';
import type { CaptureDisk as _nephele_v1_CaptureDisk, CaptureDisk__Output as _nephele_v1_CaptureDisk__Output } from './nephele/v1/CaptureDisk.js';
import type { CertificateIssued as _nephele_v1_CertificateIssued, CertificateIssued__Output as _nephele_v1_CertificateIssued__Output } from './nephele/v1/CertificateIssued.js';
import type { CommandResult as _nephele_v1_CommandResult, CommandResult__Output as _nephele_v1_CommandResult__Output } from './nephele/v1/CommandResult.js';
import type { ConfigFile as _nephele_v1_ConfigFile, ConfigFile__Output as _nephele_v1_ConfigFile__Output } from './nephele/v1/ConfigFile.js';
import type { ConsoleChunk as _nephele_v1_ConsoleChunk, ConsoleChunk__Output as _nephele_v1_ConsoleChunk__Output } from './nephele/v1/ConsoleChunk.js';
import type { ConsoleOpen as _nephele_v1_ConsoleOpen, ConsoleOpen__Output as _nephele_v1_ConsoleOpen__Output } from './nephele/v1/ConsoleOpen.js';
import type { ConsoleOutput as _nephele_v1_ConsoleOutput, ConsoleOutput__Output as _nephele_v1_ConsoleOutput__Output } from './nephele/v1/ConsoleOutput.js';
import type { ControlAction as _nephele_v1_ControlAction, ControlAction__Output as _nephele_v1_ControlAction__Output } from './nephele/v1/ControlAction.js';
import type { ControllerMessage as _nephele_v1_ControllerMessage, ControllerMessage__Output as _nephele_v1_ControllerMessage__Output } from './nephele/v1/ControllerMessage.js';
import type { CpuInfo as _nephele_v1_CpuInfo, CpuInfo__Output as _nephele_v1_CpuInfo__Output } from './nephele/v1/CpuInfo.js';
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
import type { DesiredState as _nephele_v1_DesiredState, DesiredState__Output as _nephele_v1_DesiredState__Output } from './nephele/v1/DesiredState.js';
import type { DesiredVm as _nephele_v1_DesiredVm, DesiredVm__Output as _nephele_v1_DesiredVm__Output } from './nephele/v1/DesiredVm.js';
import type { DestroyVmRequest as _nephele_v1_DestroyVmRequest, DestroyVmRequest__Output as _nephele_v1_DestroyVmRequest__Output } from './nephele/v1/DestroyVmRequest.js';
import type { DestroyVmResponse as _nephele_v1_DestroyVmResponse, DestroyVmResponse__Output as _nephele_v1_DestroyVmResponse__Output } from './nephele/v1/DestroyVmResponse.js';
import type { DiskChunk as _nephele_v1_DiskChunk, DiskChunk__Output as _nephele_v1_DiskChunk__Output } from './nephele/v1/DiskChunk.js';
import type { DiskInfo as _nephele_v1_DiskInfo, DiskInfo__Output as _nephele_v1_DiskInfo__Output } from './nephele/v1/DiskInfo.js';
import type { EnrollRequest as _nephele_v1_EnrollRequest, EnrollRequest__Output as _nephele_v1_EnrollRequest__Output } from './nephele/v1/EnrollRequest.js';
import type { EnrollResponse as _nephele_v1_EnrollResponse, EnrollResponse__Output as _nephele_v1_EnrollResponse__Output } from './nephele/v1/EnrollResponse.js';
import type { Event as _nephele_v1_Event, Event__Output as _nephele_v1_Event__Output } from './nephele/v1/Event.js';
import type { ExportDestination as _nephele_v1_ExportDestination, ExportDestination__Output as _nephele_v1_ExportDestination__Output } from './nephele/v1/ExportDestination.js';
import type { ExportSchedule as _nephele_v1_ExportSchedule, ExportSchedule__Output as _nephele_v1_ExportSchedule__Output } from './nephele/v1/ExportSchedule.js';
import type { ExportUsageChunk as _nephele_v1_ExportUsageChunk, ExportUsageChunk__Output as _nephele_v1_ExportUsageChunk__Output } from './nephele/v1/ExportUsageChunk.js';
import type { ExportUsageRequest as _nephele_v1_ExportUsageRequest, ExportUsageRequest__Output as _nephele_v1_ExportUsageRequest__Output } from './nephele/v1/ExportUsageRequest.js';
import type { FailoverBackupRequest as _nephele_v1_FailoverBackupRequest, FailoverBackupRequest__Output as _nephele_v1_FailoverBackupRequest__Output } from './nephele/v1/FailoverBackupRequest.js';
import type { FailoverBackupResponse as _nephele_v1_FailoverBackupResponse, FailoverBackupResponse__Output as _nephele_v1_FailoverBackupResponse__Output } from './nephele/v1/FailoverBackupResponse.js';
import type { FetchImageRequest as _nephele_v1_FetchImageRequest, FetchImageRequest__Output as _nephele_v1_FetchImageRequest__Output } from './nephele/v1/FetchImageRequest.js';
import type { FilesystemInfo as _nephele_v1_FilesystemInfo, FilesystemInfo__Output as _nephele_v1_FilesystemInfo__Output } from './nephele/v1/FilesystemInfo.js';
import type { GetApplianceRequest as _nephele_v1_GetApplianceRequest, GetApplianceRequest__Output as _nephele_v1_GetApplianceRequest__Output } from './nephele/v1/GetApplianceRequest.js';
import type { GetApplianceResponse as _nephele_v1_GetApplianceResponse, GetApplianceResponse__Output as _nephele_v1_GetApplianceResponse__Output } from './nephele/v1/GetApplianceResponse.js';
import type { GetBackupPlanRequest as _nephele_v1_GetBackupPlanRequest, GetBackupPlanRequest__Output as _nephele_v1_GetBackupPlanRequest__Output } from './nephele/v1/GetBackupPlanRequest.js';
import type { GetBackupPlanResponse as _nephele_v1_GetBackupPlanResponse, GetBackupPlanResponse__Output as _nephele_v1_GetBackupPlanResponse__Output } from './nephele/v1/GetBackupPlanResponse.js';
import type { GetConsoleRequest as _nephele_v1_GetConsoleRequest, GetConsoleRequest__Output as _nephele_v1_GetConsoleRequest__Output } from './nephele/v1/GetConsoleRequest.js';
import type { GetDiskRequest as _nephele_v1_GetDiskRequest, GetDiskRequest__Output as _nephele_v1_GetDiskRequest__Output } from './nephele/v1/GetDiskRequest.js';
import type { GetMonitorPolicyRequest as _nephele_v1_GetMonitorPolicyRequest, GetMonitorPolicyRequest__Output as _nephele_v1_GetMonitorPolicyRequest__Output } from './nephele/v1/GetMonitorPolicyRequest.js';
import type { GetMonitorPolicyResponse as _nephele_v1_GetMonitorPolicyResponse, GetMonitorPolicyResponse__Output as _nephele_v1_GetMonitorPolicyResponse__Output } from './nephele/v1/GetMonitorPolicyResponse.js';
import type { GetPlanRequest as _nephele_v1_GetPlanRequest, GetPlanRequest__Output as _nephele_v1_GetPlanRequest__Output } from './nephele/v1/GetPlanRequest.js';
import type { GetPlanResponse as _nephele_v1_GetPlanResponse, GetPlanResponse__Output as _nephele_v1_GetPlanResponse__Output } from './nephele/v1/GetPlanResponse.js';
import type { GetRateCardRequest as _nephele_v1_GetRateCardRequest, GetRateCardRequest__Output as _nephele_v1_GetRateCardRequest__Output } from './nephele/v1/GetRateCardRequest.js';
import type { GetRateCardResponse as _nephele_v1_GetRateCardResponse, GetRateCardResponse__Output as _nephele_v1_GetRateCardResponse__Output } from './nephele/v1/GetRateCardResponse.js';
import type { GetSubscriptionRequest as _nephele_v1_GetSubscriptionRequest, GetSubscriptionRequest__Output as _nephele_v1_GetSubscriptionRequest__Output } from './nephele/v1/GetSubscriptionRequest.js';
import type { GetSubscriptionResponse as _nephele_v1_GetSubscriptionResponse, GetSubscriptionResponse__Output as _nephele_v1_GetSubscriptionResponse__Output } from './nephele/v1/GetSubscriptionResponse.js';
import type { GetVmRequest as _nephele_v1_GetVmRequest, GetVmRequest__Output as _nephele_v1_GetVmRequest__Output } from './nephele/v1/GetVmRequest.js';
import type { GetVmResponse as _nephele_v1_GetVmResponse, GetVmResponse__Output as _nephele_v1_GetVmResponse__Output } from './nephele/v1/GetVmResponse.js';
import type { GetVmSetRequest as _nephele_v1_GetVmSetRequest, GetVmSetRequest__Output as _nephele_v1_GetVmSetRequest__Output } from './nephele/v1/GetVmSetRequest.js';
import type { GetVmSetResponse as _nephele_v1_GetVmSetResponse, GetVmSetResponse__Output as _nephele_v1_GetVmSetResponse__Output } from './nephele/v1/GetVmSetResponse.js';
import type { Group as _nephele_v1_Group, Group__Output as _nephele_v1_Group__Output } from './nephele/v1/Group.js';
import type { Heartbeat as _nephele_v1_Heartbeat, Heartbeat__Output as _nephele_v1_Heartbeat__Output } from './nephele/v1/Heartbeat.js';
import type { Hello as _nephele_v1_Hello, Hello__Output as _nephele_v1_Hello__Output } from './nephele/v1/Hello.js';
import type { Host as _nephele_v1_Host, Host__Output as _nephele_v1_Host__Output } from './nephele/v1/Host.js';
import type { HostLoad as _nephele_v1_HostLoad, HostLoad__Output as _nephele_v1_HostLoad__Output } from './nephele/v1/HostLoad.js';
import type { HypervisorInfo as _nephele_v1_HypervisorInfo, HypervisorInfo__Output as _nephele_v1_HypervisorInfo__Output } from './nephele/v1/HypervisorInfo.js';
import type { ImageRef as _nephele_v1_ImageRef, ImageRef__Output as _nephele_v1_ImageRef__Output } from './nephele/v1/ImageRef.js';
import type { ImportUsageRequest as _nephele_v1_ImportUsageRequest, ImportUsageRequest__Output as _nephele_v1_ImportUsageRequest__Output } from './nephele/v1/ImportUsageRequest.js';
import type { ImportUsageResponse as _nephele_v1_ImportUsageResponse, ImportUsageResponse__Output as _nephele_v1_ImportUsageResponse__Output } from './nephele/v1/ImportUsageResponse.js';
import type { Inventory as _nephele_v1_Inventory, Inventory__Output as _nephele_v1_Inventory__Output } from './nephele/v1/Inventory.js';
import type { InventoryReport as _nephele_v1_InventoryReport, InventoryReport__Output as _nephele_v1_InventoryReport__Output } from './nephele/v1/InventoryReport.js';
import type { IoCounters as _nephele_v1_IoCounters, IoCounters__Output as _nephele_v1_IoCounters__Output } from './nephele/v1/IoCounters.js';
import type { LadderRung as _nephele_v1_LadderRung, LadderRung__Output as _nephele_v1_LadderRung__Output } from './nephele/v1/LadderRung.js';
import type { Licence as _nephele_v1_Licence, Licence__Output as _nephele_v1_Licence__Output } from './nephele/v1/Licence.js';
import type { LicenceRules as _nephele_v1_LicenceRules, LicenceRules__Output as _nephele_v1_LicenceRules__Output } from './nephele/v1/LicenceRules.js';
import type { ListAppliancesRequest as _nephele_v1_ListAppliancesRequest, ListAppliancesRequest__Output as _nephele_v1_ListAppliancesRequest__Output } from './nephele/v1/ListAppliancesRequest.js';
import type { ListAppliancesResponse as _nephele_v1_ListAppliancesResponse, ListAppliancesResponse__Output as _nephele_v1_ListAppliancesResponse__Output } from './nephele/v1/ListAppliancesResponse.js';
import type { ListControlActionsRequest as _nephele_v1_ListControlActionsRequest, ListControlActionsRequest__Output as _nephele_v1_ListControlActionsRequest__Output } from './nephele/v1/ListControlActionsRequest.js';
import type { ListControlActionsResponse as _nephele_v1_ListControlActionsResponse, ListControlActionsResponse__Output as _nephele_v1_ListControlActionsResponse__Output } from './nephele/v1/ListControlActionsResponse.js';
import type { ListExportSchedulesRequest as _nephele_v1_ListExportSchedulesRequest, ListExportSchedulesRequest__Output as _nephele_v1_ListExportSchedulesRequest__Output } from './nephele/v1/ListExportSchedulesRequest.js';
import type { ListExportSchedulesResponse as _nephele_v1_ListExportSchedulesResponse, ListExportSchedulesResponse__Output as _nephele_v1_ListExportSchedulesResponse__Output } from './nephele/v1/ListExportSchedulesResponse.js';
import type { ListPeersRequest as _nephele_v1_ListPeersRequest, ListPeersRequest__Output as _nephele_v1_ListPeersRequest__Output } from './nephele/v1/ListPeersRequest.js';
import type { ListPeersResponse as _nephele_v1_ListPeersResponse, ListPeersResponse__Output as _nephele_v1_ListPeersResponse__Output } from './nephele/v1/ListPeersResponse.js';
import type { ListVmSetsRequest as _nephele_v1_ListVmSetsRequest, ListVmSetsRequest__Output as _nephele_v1_ListVmSetsRequest__Output } from './nephele/v1/ListVmSetsRequest.js';
import type { ListVmSetsResponse as _nephele_v1_ListVmSetsResponse, ListVmSetsResponse__Output as _nephele_v1_ListVmSetsResponse__Output } from './nephele/v1/ListVmSetsResponse.js';
import type { ListVmsRequest as _nephele_v1_ListVmsRequest, ListVmsRequest__Output as _nephele_v1_ListVmsRequest__Output } from './nephele/v1/ListVmsRequest.js';
import type { ListVmsResponse as _nephele_v1_ListVmsResponse, ListVmsResponse__Output as _nephele_v1_ListVmsResponse__Output } from './nephele/v1/ListVmsResponse.js';
import type { MemoryInfo as _nephele_v1_MemoryInfo, MemoryInfo__Output as _nephele_v1_MemoryInfo__Output } from './nephele/v1/MemoryInfo.js';
import type { MigrateVmRequest as _nephele_v1_MigrateVmRequest, MigrateVmRequest__Output as _nephele_v1_MigrateVmRequest__Output } from './nephele/v1/MigrateVmRequest.js';
import type { MigrateVmResponse as _nephele_v1_MigrateVmResponse, MigrateVmResponse__Output as _nephele_v1_MigrateVmResponse__Output } from './nephele/v1/MigrateVmResponse.js';
import type { MonitorPolicy as _nephele_v1_MonitorPolicy, MonitorPolicy__Output as _nephele_v1_MonitorPolicy__Output } from './nephele/v1/MonitorPolicy.js';
import type { MonitorServiceClient as _nephele_v1_MonitorServiceClient, MonitorServiceDefinition as _nephele_v1_MonitorServiceDefinition } from './nephele/v1/MonitorService.js';
import type { MonitorSpec as _nephele_v1_MonitorSpec, MonitorSpec__Output as _nephele_v1_MonitorSpec__Output } from './nephele/v1/MonitorSpec.js';
import type { NicInfo as _nephele_v1_NicInfo, NicInfo__Output as _nephele_v1_NicInfo__Output } from './nephele/v1/NicInfo.js';
import type { OsInfo as _nephele_v1_OsInfo, OsInfo__Output as _nephele_v1_OsInfo__Output } from './nephele/v1/OsInfo.js';
import type { OutboxEpoch as _nephele_v1_OutboxEpoch, OutboxEpoch__Output as _nephele_v1_OutboxEpoch__Output } from './nephele/v1/OutboxEpoch.js';
import type { Peer as _nephele_v1_Peer, Peer__Output as _nephele_v1_Peer__Output } from './nephele/v1/Peer.js';
import type { Plan as _nephele_v1_Plan, Plan__Output as _nephele_v1_Plan__Output } from './nephele/v1/Plan.js';
import type { PlanHostTotal as _nephele_v1_PlanHostTotal, PlanHostTotal__Output as _nephele_v1_PlanHostTotal__Output } from './nephele/v1/PlanHostTotal.js';
import type { PlanRow as _nephele_v1_PlanRow, PlanRow__Output as _nephele_v1_PlanRow__Output } from './nephele/v1/PlanRow.js';
import type { PollApplianceRequest as _nephele_v1_PollApplianceRequest, PollApplianceRequest__Output as _nephele_v1_PollApplianceRequest__Output } from './nephele/v1/PollApplianceRequest.js';
import type { PollApplianceResponse as _nephele_v1_PollApplianceResponse, PollApplianceResponse__Output as _nephele_v1_PollApplianceResponse__Output } from './nephele/v1/PollApplianceResponse.js';
import type { PolledMark as _nephele_v1_PolledMark, PolledMark__Output as _nephele_v1_PolledMark__Output } from './nephele/v1/PolledMark.js';
import type { Probe as _nephele_v1_Probe, Probe__Output as _nephele_v1_Probe__Output } from './nephele/v1/Probe.js';
import type { ProbeAppliance as _nephele_v1_ProbeAppliance, ProbeAppliance__Output as _nephele_v1_ProbeAppliance__Output } from './nephele/v1/ProbeAppliance.js';
import type { ProbeResult as _nephele_v1_ProbeResult, ProbeResult__Output as _nephele_v1_ProbeResult__Output } from './nephele/v1/ProbeResult.js';
import type { PushUsageRequest as _nephele_v1_PushUsageRequest, PushUsageRequest__Output as _nephele_v1_PushUsageRequest__Output } from './nephele/v1/PushUsageRequest.js';
import type { PushUsageResponse as _nephele_v1_PushUsageResponse, PushUsageResponse__Output as _nephele_v1_PushUsageResponse__Output } from './nephele/v1/PushUsageResponse.js';
import type { PutConsoleResponse as _nephele_v1_PutConsoleResponse, PutConsoleResponse__Output as _nephele_v1_PutConsoleResponse__Output } from './nephele/v1/PutConsoleResponse.js';
import type { PutDiskResponse as _nephele_v1_PutDiskResponse, PutDiskResponse__Output as _nephele_v1_PutDiskResponse__Output } from './nephele/v1/PutDiskResponse.js';
import type { PutImageResponse as _nephele_v1_PutImageResponse, PutImageResponse__Output as _nephele_v1_PutImageResponse__Output } from './nephele/v1/PutImageResponse.js';
import type { QueryUsageRequest as _nephele_v1_QueryUsageRequest, QueryUsageRequest__Output as _nephele_v1_QueryUsageRequest__Output } from './nephele/v1/QueryUsageRequest.js';
import type { QueryUsageResponse as _nephele_v1_QueryUsageResponse, QueryUsageResponse__Output as _nephele_v1_QueryUsageResponse__Output } from './nephele/v1/QueryUsageResponse.js';
import type { Quota as _nephele_v1_Quota, Quota__Output as _nephele_v1_Quota__Output } from './nephele/v1/Quota.js';
import type { Rate as _nephele_v1_Rate, Rate__Output as _nephele_v1_Rate__Output } from './nephele/v1/Rate.js';
import type { RateCard as _nephele_v1_RateCard, RateCard__Output as _nephele_v1_RateCard__Output } from './nephele/v1/RateCard.js';
import type { ReadManifest as _nephele_v1_ReadManifest, ReadManifest__Output as _nephele_v1_ReadManifest__Output } from './nephele/v1/ReadManifest.js';
import type { RebootVmRequest as _nephele_v1_RebootVmRequest, RebootVmRequest__Output as _nephele_v1_RebootVmRequest__Output } from './nephele/v1/RebootVmRequest.js';
import type { RebootVmResponse as _nephele_v1_RebootVmResponse, RebootVmResponse__Output as _nephele_v1_RebootVmResponse__Output } from './nephele/v1/RebootVmResponse.js';
import type { RemovePeerRequest as _nephele_v1_RemovePeerRequest, RemovePeerRequest__Output as _nephele_v1_RemovePeerRequest__Output } from './nephele/v1/RemovePeerRequest.js';
import type { RemovePeerResponse as _nephele_v1_RemovePeerResponse, RemovePeerResponse__Output as _nephele_v1_RemovePeerResponse__Output } from './nephele/v1/RemovePeerResponse.js';
import type { RenewCertificate as _nephele_v1_RenewCertificate, RenewCertificate__Output as _nephele_v1_RenewCertificate__Output } from './nephele/v1/RenewCertificate.js';
import type { ResumeVmRequest as _nephele_v1_ResumeVmRequest, ResumeVmRequest__Output as _nephele_v1_ResumeVmRequest__Output } from './nephele/v1/ResumeVmRequest.js';
import type { ResumeVmResponse as _nephele_v1_ResumeVmResponse, ResumeVmResponse__Output as _nephele_v1_ResumeVmResponse__Output } from './nephele/v1/ResumeVmResponse.js';
import type { RogueSignature as _nephele_v1_RogueSignature, RogueSignature__Output as _nephele_v1_RogueSignature__Output } from './nephele/v1/RogueSignature.js';
import type { ScaleVmSetRequest as _nephele_v1_ScaleVmSetRequest, ScaleVmSetRequest__Output as _nephele_v1_ScaleVmSetRequest__Output } from './nephele/v1/ScaleVmSetRequest.js';
import type { ScaleVmSetResponse as _nephele_v1_ScaleVmSetResponse, ScaleVmSetResponse__Output as _nephele_v1_ScaleVmSetResponse__Output } from './nephele/v1/ScaleVmSetResponse.js';
import type { SchemeInfo as _nephele_v1_SchemeInfo, SchemeInfo__Output as _nephele_v1_SchemeInfo__Output } from './nephele/v1/SchemeInfo.js';
import type { SetMonitorPolicyRequest as _nephele_v1_SetMonitorPolicyRequest, SetMonitorPolicyRequest__Output as _nephele_v1_SetMonitorPolicyRequest__Output } from './nephele/v1/SetMonitorPolicyRequest.js';
import type { SetMonitorPolicyResponse as _nephele_v1_SetMonitorPolicyResponse, SetMonitorPolicyResponse__Output as _nephele_v1_SetMonitorPolicyResponse__Output } from './nephele/v1/SetMonitorPolicyResponse.js';
import type { SetRateCardRequest as _nephele_v1_SetRateCardRequest, SetRateCardRequest__Output as _nephele_v1_SetRateCardRequest__Output } from './nephele/v1/SetRateCardRequest.js';
import type { SetRateCardResponse as _nephele_v1_SetRateCardResponse, SetRateCardResponse__Output as _nephele_v1_SetRateCardResponse__Output } from './nephele/v1/SetRateCardResponse.js';
import type { SetSubscriptionRequest as _nephele_v1_SetSubscriptionRequest, SetSubscriptionRequest__Output as _nephele_v1_SetSubscriptionRequest__Output } from './nephele/v1/SetSubscriptionRequest.js';
import type { SetSubscriptionResponse as _nephele_v1_SetSubscriptionResponse, SetSubscriptionResponse__Output as _nephele_v1_SetSubscriptionResponse__Output } from './nephele/v1/SetSubscriptionResponse.js';
import type { SoftwareInfo as _nephele_v1_SoftwareInfo, SoftwareInfo__Output as _nephele_v1_SoftwareInfo__Output } from './nephele/v1/SoftwareInfo.js';
import type { StartVmRequest as _nephele_v1_StartVmRequest, StartVmRequest__Output as _nephele_v1_StartVmRequest__Output } from './nephele/v1/StartVmRequest.js';
import type { StartVmResponse as _nephele_v1_StartVmResponse, StartVmResponse__Output as _nephele_v1_StartVmResponse__Output } from './nephele/v1/StartVmResponse.js';
import type { StopVmRequest as _nephele_v1_StopVmRequest, StopVmRequest__Output as _nephele_v1_StopVmRequest__Output } from './nephele/v1/StopVmRequest.js';
import type { StopVmResponse as _nephele_v1_StopVmResponse, StopVmResponse__Output as _nephele_v1_StopVmResponse__Output } from './nephele/v1/StopVmResponse.js';
import type { Subscription as _nephele_v1_Subscription, Subscription__Output as _nephele_v1_Subscription__Output } from './nephele/v1/Subscription.js';
import type { SuspendVmRequest as _nephele_v1_SuspendVmRequest, SuspendVmRequest__Output as _nephele_v1_SuspendVmRequest__Output } from './nephele/v1/SuspendVmRequest.js';
import type { SuspendVmResponse as _nephele_v1_SuspendVmResponse, SuspendVmResponse__Output as _nephele_v1_SuspendVmResponse__Output } from './nephele/v1/SuspendVmResponse.js';
import type { TakeControlActionRequest as _nephele_v1_TakeControlActionRequest, TakeControlActionRequest__Output as _nephele_v1_TakeControlActionRequest__Output } from './nephele/v1/TakeControlActionRequest.js';
import type { TakeControlActionResponse as _nephele_v1_TakeControlActionResponse, TakeControlActionResponse__Output as _nephele_v1_TakeControlActionResponse__Output } from './nephele/v1/TakeControlActionResponse.js';
import type { Tenant as _nephele_v1_Tenant, Tenant__Output as _nephele_v1_Tenant__Output } from './nephele/v1/Tenant.js';
import type { Thresholds as _nephele_v1_Thresholds, Thresholds__Output as _nephele_v1_Thresholds__Output } from './nephele/v1/Thresholds.js';
import type { Token as _nephele_v1_Token, Token__Output as _nephele_v1_Token__Output } from './nephele/v1/Token.js';
import type { TokenCheck as _nephele_v1_TokenCheck, TokenCheck__Output as _nephele_v1_TokenCheck__Output } from './nephele/v1/TokenCheck.js';
import type { TokenPut as _nephele_v1_TokenPut, TokenPut__Output as _nephele_v1_TokenPut__Output } from './nephele/v1/TokenPut.js';
import type { TokenRemove as _nephele_v1_TokenRemove, TokenRemove__Output as _nephele_v1_TokenRemove__Output } from './nephele/v1/TokenRemove.js';
import type { UsageBatch as _nephele_v1_UsageBatch, UsageBatch__Output as _nephele_v1_UsageBatch__Output } from './nephele/v1/UsageBatch.js';
import type { UsageFilter as _nephele_v1_UsageFilter, UsageFilter__Output as _nephele_v1_UsageFilter__Output } from './nephele/v1/UsageFilter.js';
import type { UsageRow as _nephele_v1_UsageRow, UsageRow__Output as _nephele_v1_UsageRow__Output } from './nephele/v1/UsageRow.js';
import type { UsageServiceClient as _nephele_v1_UsageServiceClient, UsageServiceDefinition as _nephele_v1_UsageServiceDefinition } from './nephele/v1/UsageService.js';
import type { Vm as _nephele_v1_Vm, Vm__Output as _nephele_v1_Vm__Output } from './nephele/v1/Vm.js';
import type { VmServiceClient as _nephele_v1_VmServiceClient, VmServiceDefinition as _nephele_v1_VmServiceDefinition } from './nephele/v1/VmService.js';
import type { VmSet as _nephele_v1_VmSet, VmSet__Output as _nephele_v1_VmSet__Output } from './nephele/v1/VmSet.js';
import type { VmSetSpec as _nephele_v1_VmSetSpec, VmSetSpec__Output as _nephele_v1_VmSetSpec__Output } from './nephele/v1/VmSetSpec.js';
import type { VmSpec as _nephele_v1_VmSpec, VmSpec__Output as _nephele_v1_VmSpec__Output } from './nephele/v1/VmSpec.js';
import type { VmStatusReport as _nephele_v1_VmStatusReport, VmStatusReport__Output as _nephele_v1_VmStatusReport__Output } from './nephele/v1/VmStatusReport.js';
import type { VmUsage as _nephele_v1_VmUsage, VmUsage__Output as _nephele_v1_VmUsage__Output } from './nephele/v1/VmUsage.js';
import type { Welcome as _nephele_v1_Welcome, Welcome__Output as _nephele_v1_Welcome__Output } from './nephele/v1/Welcome.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nephele: {
    v1: {
      Ack: MessageTypeDefinition<_nephele_v1_Ack, _nephele_v1_Ack__Output>
      ActionLadders: MessageTypeDefinition<_nephele_v1_ActionLadders, _nephele_v1_ActionLadders__Output>
      ActionOutcome: EnumTypeDefinition
      AddPeerRequest: MessageTypeDefinition<_nephele_v1_AddPeerRequest, _nephele_v1_AddPeerRequest__Output>
      AddPeerResponse: MessageTypeDefinition<_nephele_v1_AddPeerResponse, _nephele_v1_AddPeerResponse__Output>
      AgentCommand: MessageTypeDefinition<_nephele_v1_AgentCommand, _nephele_v1_AgentCommand__Output>
      AgentEvent: MessageTypeDefinition<_nephele_v1_AgentEvent, _nephele_v1_AgentEvent__Output>
      AgentMessage: MessageTypeDefinition<_nephele_v1_AgentMessage, _nephele_v1_AgentMessage__Output>
      AgentService: SubtypeConstructor<typeof grpc.Client, _nephele_v1_AgentServiceClient> & { service: _nephele_v1_AgentServiceDefinition }
      AppAction: MessageTypeDefinition<_nephele_v1_AppAction, _nephele_v1_AppAction__Output>
      AppActionKind: EnumTypeDefinition
      AppState: EnumTypeDefinition
      Appliance: MessageTypeDefinition<_nephele_v1_Appliance, _nephele_v1_Appliance__Output>
      ApplianceProcess: MessageTypeDefinition<_nephele_v1_ApplianceProcess, _nephele_v1_ApplianceProcess__Output>
      ApplianceReport: MessageTypeDefinition<_nephele_v1_ApplianceReport, _nephele_v1_ApplianceReport__Output>
      ApplianceState: MessageTypeDefinition<_nephele_v1_ApplianceState, _nephele_v1_ApplianceState__Output>
      ApplyBackupPlanRequest: MessageTypeDefinition<_nephele_v1_ApplyBackupPlanRequest, _nephele_v1_ApplyBackupPlanRequest__Output>
      ApplyBackupPlanResponse: MessageTypeDefinition<_nephele_v1_ApplyBackupPlanResponse, _nephele_v1_ApplyBackupPlanResponse__Output>
      ApplyConfig: MessageTypeDefinition<_nephele_v1_ApplyConfig, _nephele_v1_ApplyConfig__Output>
      BackupDemand: MessageTypeDefinition<_nephele_v1_BackupDemand, _nephele_v1_BackupDemand__Output>
      BusDeliver: MessageTypeDefinition<_nephele_v1_BusDeliver, _nephele_v1_BusDeliver__Output>
      BusPublish: MessageTypeDefinition<_nephele_v1_BusPublish, _nephele_v1_BusPublish__Output>
      BusSubscription: MessageTypeDefinition<_nephele_v1_BusSubscription, _nephele_v1_BusSubscription__Output>
      Capacity: MessageTypeDefinition<_nephele_v1_Capacity, _nephele_v1_Capacity__Output>
      CaptureDisk: MessageTypeDefinition<_nephele_v1_CaptureDisk, _nephele_v1_CaptureDisk__Output>
      CertificateIssued: MessageTypeDefinition<_nephele_v1_CertificateIssued, _nephele_v1_CertificateIssued__Output>
      CommandResult: MessageTypeDefinition<_nephele_v1_CommandResult, _nephele_v1_CommandResult__Output>
      ConfigFile: MessageTypeDefinition<_nephele_v1_ConfigFile, _nephele_v1_ConfigFile__Output>
      ConsoleChunk: MessageTypeDefinition<_nephele_v1_ConsoleChunk, _nephele_v1_ConsoleChunk__Output>
      ConsoleOpen: MessageTypeDefinition<_nephele_v1_ConsoleOpen, _nephele_v1_ConsoleOpen__Output>
      ConsoleOutput: MessageTypeDefinition<_nephele_v1_ConsoleOutput, _nephele_v1_ConsoleOutput__Output>
      ControlAction: MessageTypeDefinition<_nephele_v1_ControlAction, _nephele_v1_ControlAction__Output>
      ControlActionKind: EnumTypeDefinition
      ControllerMessage: MessageTypeDefinition<_nephele_v1_ControllerMessage, _nephele_v1_ControllerMessage__Output>
      CpuInfo: MessageTypeDefinition<_nephele_v1_CpuInfo, _nephele_v1_CpuInfo__Output>
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
      DesiredState: MessageTypeDefinition<_nephele_v1_DesiredState, _nephele_v1_DesiredState__Output>
      DesiredVm: MessageTypeDefinition<_nephele_v1_DesiredVm, _nephele_v1_DesiredVm__Output>
      DesiredVmState: EnumTypeDefinition
      DestroyVmRequest: MessageTypeDefinition<_nephele_v1_DestroyVmRequest, _nephele_v1_DestroyVmRequest__Output>
      DestroyVmResponse: MessageTypeDefinition<_nephele_v1_DestroyVmResponse, _nephele_v1_DestroyVmResponse__Output>
      DiskChunk: MessageTypeDefinition<_nephele_v1_DiskChunk, _nephele_v1_DiskChunk__Output>
      DiskInfo: MessageTypeDefinition<_nephele_v1_DiskInfo, _nephele_v1_DiskInfo__Output>
      EnrollRequest: MessageTypeDefinition<_nephele_v1_EnrollRequest, _nephele_v1_EnrollRequest__Output>
      EnrollResponse: MessageTypeDefinition<_nephele_v1_EnrollResponse, _nephele_v1_EnrollResponse__Output>
      Event: MessageTypeDefinition<_nephele_v1_Event, _nephele_v1_Event__Output>
      ExportDestination: MessageTypeDefinition<_nephele_v1_ExportDestination, _nephele_v1_ExportDestination__Output>
      ExportSchedule: MessageTypeDefinition<_nephele_v1_ExportSchedule, _nephele_v1_ExportSchedule__Output>
      ExportUsageChunk: MessageTypeDefinition<_nephele_v1_ExportUsageChunk, _nephele_v1_ExportUsageChunk__Output>
      ExportUsageRequest: MessageTypeDefinition<_nephele_v1_ExportUsageRequest, _nephele_v1_ExportUsageRequest__Output>
      FailoverBackupRequest: MessageTypeDefinition<_nephele_v1_FailoverBackupRequest, _nephele_v1_FailoverBackupRequest__Output>
      FailoverBackupResponse: MessageTypeDefinition<_nephele_v1_FailoverBackupResponse, _nephele_v1_FailoverBackupResponse__Output>
      FetchImageRequest: MessageTypeDefinition<_nephele_v1_FetchImageRequest, _nephele_v1_FetchImageRequest__Output>
      FilesystemInfo: MessageTypeDefinition<_nephele_v1_FilesystemInfo, _nephele_v1_FilesystemInfo__Output>
      GetApplianceRequest: MessageTypeDefinition<_nephele_v1_GetApplianceRequest, _nephele_v1_GetApplianceRequest__Output>
      GetApplianceResponse: MessageTypeDefinition<_nephele_v1_GetApplianceResponse, _nephele_v1_GetApplianceResponse__Output>
      GetBackupPlanRequest: MessageTypeDefinition<_nephele_v1_GetBackupPlanRequest, _nephele_v1_GetBackupPlanRequest__Output>
      GetBackupPlanResponse: MessageTypeDefinition<_nephele_v1_GetBackupPlanResponse, _nephele_v1_GetBackupPlanResponse__Output>
      GetConsoleRequest: MessageTypeDefinition<_nephele_v1_GetConsoleRequest, _nephele_v1_GetConsoleRequest__Output>
      GetDiskRequest: MessageTypeDefinition<_nephele_v1_GetDiskRequest, _nephele_v1_GetDiskRequest__Output>
      GetMonitorPolicyRequest: MessageTypeDefinition<_nephele_v1_GetMonitorPolicyRequest, _nephele_v1_GetMonitorPolicyRequest__Output>
      GetMonitorPolicyResponse: MessageTypeDefinition<_nephele_v1_GetMonitorPolicyResponse, _nephele_v1_GetMonitorPolicyResponse__Output>
      GetPlanRequest: MessageTypeDefinition<_nephele_v1_GetPlanRequest, _nephele_v1_GetPlanRequest__Output>
      GetPlanResponse: MessageTypeDefinition<_nephele_v1_GetPlanResponse, _nephele_v1_GetPlanResponse__Output>
      GetRateCardRequest: MessageTypeDefinition<_nephele_v1_GetRateCardRequest, _nephele_v1_GetRateCardRequest__Output>
      GetRateCardResponse: MessageTypeDefinition<_nephele_v1_GetRateCardResponse, _nephele_v1_GetRateCardResponse__Output>
      GetSubscriptionRequest: MessageTypeDefinition<_nephele_v1_GetSubscriptionRequest, _nephele_v1_GetSubscriptionRequest__Output>
      GetSubscriptionResponse: MessageTypeDefinition<_nephele_v1_GetSubscriptionResponse, _nephele_v1_GetSubscriptionResponse__Output>
      GetVmRequest: MessageTypeDefinition<_nephele_v1_GetVmRequest, _nephele_v1_GetVmRequest__Output>
      GetVmResponse: MessageTypeDefinition<_nephele_v1_GetVmResponse, _nephele_v1_GetVmResponse__Output>
      GetVmSetRequest: MessageTypeDefinition<_nephele_v1_GetVmSetRequest, _nephele_v1_GetVmSetRequest__Output>
      GetVmSetResponse: MessageTypeDefinition<_nephele_v1_GetVmSetResponse, _nephele_v1_GetVmSetResponse__Output>
      Group: MessageTypeDefinition<_nephele_v1_Group, _nephele_v1_Group__Output>
      Heartbeat: MessageTypeDefinition<_nephele_v1_Heartbeat, _nephele_v1_Heartbeat__Output>
      Hello: MessageTypeDefinition<_nephele_v1_Hello, _nephele_v1_Hello__Output>
      Host: MessageTypeDefinition<_nephele_v1_Host, _nephele_v1_Host__Output>
      HostKind: EnumTypeDefinition
      HostLoad: MessageTypeDefinition<_nephele_v1_HostLoad, _nephele_v1_HostLoad__Output>
      HostState: EnumTypeDefinition
      HypervisorInfo: MessageTypeDefinition<_nephele_v1_HypervisorInfo, _nephele_v1_HypervisorInfo__Output>
      ImageFormat: EnumTypeDefinition
      ImageRef: MessageTypeDefinition<_nephele_v1_ImageRef, _nephele_v1_ImageRef__Output>
      ImportUsageRequest: MessageTypeDefinition<_nephele_v1_ImportUsageRequest, _nephele_v1_ImportUsageRequest__Output>
      ImportUsageResponse: MessageTypeDefinition<_nephele_v1_ImportUsageResponse, _nephele_v1_ImportUsageResponse__Output>
      Inventory: MessageTypeDefinition<_nephele_v1_Inventory, _nephele_v1_Inventory__Output>
      InventoryReport: MessageTypeDefinition<_nephele_v1_InventoryReport, _nephele_v1_InventoryReport__Output>
      IoCounters: MessageTypeDefinition<_nephele_v1_IoCounters, _nephele_v1_IoCounters__Output>
      LadderRung: MessageTypeDefinition<_nephele_v1_LadderRung, _nephele_v1_LadderRung__Output>
      LadderStep: EnumTypeDefinition
      Licence: MessageTypeDefinition<_nephele_v1_Licence, _nephele_v1_Licence__Output>
      LicenceRules: MessageTypeDefinition<_nephele_v1_LicenceRules, _nephele_v1_LicenceRules__Output>
      ListAppliancesRequest: MessageTypeDefinition<_nephele_v1_ListAppliancesRequest, _nephele_v1_ListAppliancesRequest__Output>
      ListAppliancesResponse: MessageTypeDefinition<_nephele_v1_ListAppliancesResponse, _nephele_v1_ListAppliancesResponse__Output>
      ListControlActionsRequest: MessageTypeDefinition<_nephele_v1_ListControlActionsRequest, _nephele_v1_ListControlActionsRequest__Output>
      ListControlActionsResponse: MessageTypeDefinition<_nephele_v1_ListControlActionsResponse, _nephele_v1_ListControlActionsResponse__Output>
      ListExportSchedulesRequest: MessageTypeDefinition<_nephele_v1_ListExportSchedulesRequest, _nephele_v1_ListExportSchedulesRequest__Output>
      ListExportSchedulesResponse: MessageTypeDefinition<_nephele_v1_ListExportSchedulesResponse, _nephele_v1_ListExportSchedulesResponse__Output>
      ListPeersRequest: MessageTypeDefinition<_nephele_v1_ListPeersRequest, _nephele_v1_ListPeersRequest__Output>
      ListPeersResponse: MessageTypeDefinition<_nephele_v1_ListPeersResponse, _nephele_v1_ListPeersResponse__Output>
      ListVmSetsRequest: MessageTypeDefinition<_nephele_v1_ListVmSetsRequest, _nephele_v1_ListVmSetsRequest__Output>
      ListVmSetsResponse: MessageTypeDefinition<_nephele_v1_ListVmSetsResponse, _nephele_v1_ListVmSetsResponse__Output>
      ListVmsRequest: MessageTypeDefinition<_nephele_v1_ListVmsRequest, _nephele_v1_ListVmsRequest__Output>
      ListVmsResponse: MessageTypeDefinition<_nephele_v1_ListVmsResponse, _nephele_v1_ListVmsResponse__Output>
      MemoryInfo: MessageTypeDefinition<_nephele_v1_MemoryInfo, _nephele_v1_MemoryInfo__Output>
      MigrateVmRequest: MessageTypeDefinition<_nephele_v1_MigrateVmRequest, _nephele_v1_MigrateVmRequest__Output>
      MigrateVmResponse: MessageTypeDefinition<_nephele_v1_MigrateVmResponse, _nephele_v1_MigrateVmResponse__Output>
      MonitorPolicy: MessageTypeDefinition<_nephele_v1_MonitorPolicy, _nephele_v1_MonitorPolicy__Output>
      MonitorService: SubtypeConstructor<typeof grpc.Client, _nephele_v1_MonitorServiceClient> & { service: _nephele_v1_MonitorServiceDefinition }
      MonitorSpec: MessageTypeDefinition<_nephele_v1_MonitorSpec, _nephele_v1_MonitorSpec__Output>
      NicInfo: MessageTypeDefinition<_nephele_v1_NicInfo, _nephele_v1_NicInfo__Output>
      OsInfo: MessageTypeDefinition<_nephele_v1_OsInfo, _nephele_v1_OsInfo__Output>
      OutboxEpoch: MessageTypeDefinition<_nephele_v1_OutboxEpoch, _nephele_v1_OutboxEpoch__Output>
      OwnerState: EnumTypeDefinition
      Peer: MessageTypeDefinition<_nephele_v1_Peer, _nephele_v1_Peer__Output>
      PlacementStrategy: EnumTypeDefinition
      Plan: MessageTypeDefinition<_nephele_v1_Plan, _nephele_v1_Plan__Output>
      PlanHostTotal: MessageTypeDefinition<_nephele_v1_PlanHostTotal, _nephele_v1_PlanHostTotal__Output>
      PlanRow: MessageTypeDefinition<_nephele_v1_PlanRow, _nephele_v1_PlanRow__Output>
      PollApplianceRequest: MessageTypeDefinition<_nephele_v1_PollApplianceRequest, _nephele_v1_PollApplianceRequest__Output>
      PollApplianceResponse: MessageTypeDefinition<_nephele_v1_PollApplianceResponse, _nephele_v1_PollApplianceResponse__Output>
      PolledMark: MessageTypeDefinition<_nephele_v1_PolledMark, _nephele_v1_PolledMark__Output>
      Probe: MessageTypeDefinition<_nephele_v1_Probe, _nephele_v1_Probe__Output>
      ProbeAppliance: MessageTypeDefinition<_nephele_v1_ProbeAppliance, _nephele_v1_ProbeAppliance__Output>
      ProbeKind: EnumTypeDefinition
      ProbeResult: MessageTypeDefinition<_nephele_v1_ProbeResult, _nephele_v1_ProbeResult__Output>
      PushUsageRequest: MessageTypeDefinition<_nephele_v1_PushUsageRequest, _nephele_v1_PushUsageRequest__Output>
      PushUsageResponse: MessageTypeDefinition<_nephele_v1_PushUsageResponse, _nephele_v1_PushUsageResponse__Output>
      PutConsoleResponse: MessageTypeDefinition<_nephele_v1_PutConsoleResponse, _nephele_v1_PutConsoleResponse__Output>
      PutDiskResponse: MessageTypeDefinition<_nephele_v1_PutDiskResponse, _nephele_v1_PutDiskResponse__Output>
      PutImageResponse: MessageTypeDefinition<_nephele_v1_PutImageResponse, _nephele_v1_PutImageResponse__Output>
      QueryUsageRequest: MessageTypeDefinition<_nephele_v1_QueryUsageRequest, _nephele_v1_QueryUsageRequest__Output>
      QueryUsageResponse: MessageTypeDefinition<_nephele_v1_QueryUsageResponse, _nephele_v1_QueryUsageResponse__Output>
      Quota: MessageTypeDefinition<_nephele_v1_Quota, _nephele_v1_Quota__Output>
      Rate: MessageTypeDefinition<_nephele_v1_Rate, _nephele_v1_Rate__Output>
      RateCard: MessageTypeDefinition<_nephele_v1_RateCard, _nephele_v1_RateCard__Output>
      ReadManifest: MessageTypeDefinition<_nephele_v1_ReadManifest, _nephele_v1_ReadManifest__Output>
      RebootVmRequest: MessageTypeDefinition<_nephele_v1_RebootVmRequest, _nephele_v1_RebootVmRequest__Output>
      RebootVmResponse: MessageTypeDefinition<_nephele_v1_RebootVmResponse, _nephele_v1_RebootVmResponse__Output>
      RemovePeerRequest: MessageTypeDefinition<_nephele_v1_RemovePeerRequest, _nephele_v1_RemovePeerRequest__Output>
      RemovePeerResponse: MessageTypeDefinition<_nephele_v1_RemovePeerResponse, _nephele_v1_RemovePeerResponse__Output>
      RenewCertificate: MessageTypeDefinition<_nephele_v1_RenewCertificate, _nephele_v1_RenewCertificate__Output>
      ResumeVmRequest: MessageTypeDefinition<_nephele_v1_ResumeVmRequest, _nephele_v1_ResumeVmRequest__Output>
      ResumeVmResponse: MessageTypeDefinition<_nephele_v1_ResumeVmResponse, _nephele_v1_ResumeVmResponse__Output>
      RogueSignature: MessageTypeDefinition<_nephele_v1_RogueSignature, _nephele_v1_RogueSignature__Output>
      ScaleVmSetRequest: MessageTypeDefinition<_nephele_v1_ScaleVmSetRequest, _nephele_v1_ScaleVmSetRequest__Output>
      ScaleVmSetResponse: MessageTypeDefinition<_nephele_v1_ScaleVmSetResponse, _nephele_v1_ScaleVmSetResponse__Output>
      SchemeInfo: MessageTypeDefinition<_nephele_v1_SchemeInfo, _nephele_v1_SchemeInfo__Output>
      SetAffinity: EnumTypeDefinition
      SetMonitorPolicyRequest: MessageTypeDefinition<_nephele_v1_SetMonitorPolicyRequest, _nephele_v1_SetMonitorPolicyRequest__Output>
      SetMonitorPolicyResponse: MessageTypeDefinition<_nephele_v1_SetMonitorPolicyResponse, _nephele_v1_SetMonitorPolicyResponse__Output>
      SetRateCardRequest: MessageTypeDefinition<_nephele_v1_SetRateCardRequest, _nephele_v1_SetRateCardRequest__Output>
      SetRateCardResponse: MessageTypeDefinition<_nephele_v1_SetRateCardResponse, _nephele_v1_SetRateCardResponse__Output>
      SetSubscriptionRequest: MessageTypeDefinition<_nephele_v1_SetSubscriptionRequest, _nephele_v1_SetSubscriptionRequest__Output>
      SetSubscriptionResponse: MessageTypeDefinition<_nephele_v1_SetSubscriptionResponse, _nephele_v1_SetSubscriptionResponse__Output>
      Sla: EnumTypeDefinition
      SoftwareInfo: MessageTypeDefinition<_nephele_v1_SoftwareInfo, _nephele_v1_SoftwareInfo__Output>
      StartVmRequest: MessageTypeDefinition<_nephele_v1_StartVmRequest, _nephele_v1_StartVmRequest__Output>
      StartVmResponse: MessageTypeDefinition<_nephele_v1_StartVmResponse, _nephele_v1_StartVmResponse__Output>
      StopVmRequest: MessageTypeDefinition<_nephele_v1_StopVmRequest, _nephele_v1_StopVmRequest__Output>
      StopVmResponse: MessageTypeDefinition<_nephele_v1_StopVmResponse, _nephele_v1_StopVmResponse__Output>
      Subscription: MessageTypeDefinition<_nephele_v1_Subscription, _nephele_v1_Subscription__Output>
      SubscriptionState: EnumTypeDefinition
      SuspendVmRequest: MessageTypeDefinition<_nephele_v1_SuspendVmRequest, _nephele_v1_SuspendVmRequest__Output>
      SuspendVmResponse: MessageTypeDefinition<_nephele_v1_SuspendVmResponse, _nephele_v1_SuspendVmResponse__Output>
      TakeControlActionRequest: MessageTypeDefinition<_nephele_v1_TakeControlActionRequest, _nephele_v1_TakeControlActionRequest__Output>
      TakeControlActionResponse: MessageTypeDefinition<_nephele_v1_TakeControlActionResponse, _nephele_v1_TakeControlActionResponse__Output>
      Tenant: MessageTypeDefinition<_nephele_v1_Tenant, _nephele_v1_Tenant__Output>
      Thresholds: MessageTypeDefinition<_nephele_v1_Thresholds, _nephele_v1_Thresholds__Output>
      Token: MessageTypeDefinition<_nephele_v1_Token, _nephele_v1_Token__Output>
      TokenCheck: MessageTypeDefinition<_nephele_v1_TokenCheck, _nephele_v1_TokenCheck__Output>
      TokenKind: EnumTypeDefinition
      TokenPut: MessageTypeDefinition<_nephele_v1_TokenPut, _nephele_v1_TokenPut__Output>
      TokenRemove: MessageTypeDefinition<_nephele_v1_TokenRemove, _nephele_v1_TokenRemove__Output>
      UpdateSource: EnumTypeDefinition
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
      VmStatusReport: MessageTypeDefinition<_nephele_v1_VmStatusReport, _nephele_v1_VmStatusReport__Output>
      VmUsage: MessageTypeDefinition<_nephele_v1_VmUsage, _nephele_v1_VmUsage__Output>
      Welcome: MessageTypeDefinition<_nephele_v1_Welcome, _nephele_v1_Welcome__Output>
    }
  }
}

