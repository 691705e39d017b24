import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ConfigFile as _nephele_v1_ConfigFile, ConfigFile__Output as _nephele_v1_ConfigFile__Output } from './nephele/v1/ConfigFile.js';
import type { ConsoleOutput as _nephele_v1_ConsoleOutput, ConsoleOutput__Output as _nephele_v1_ConsoleOutput__Output } from './nephele/v1/ConsoleOutput.js';
import type { CreateVmRequest as _nephele_v1_CreateVmRequest, CreateVmRequest__Output as _nephele_v1_CreateVmRequest__Output } from './nephele/v1/CreateVmRequest.js';
import type { CreateVmResponse as _nephele_v1_CreateVmResponse, CreateVmResponse__Output as _nephele_v1_CreateVmResponse__Output } from './nephele/v1/CreateVmResponse.js';
import type { CreateVmSetRequest as _nephele_v1_CreateVmSetRequest, CreateVmSetRequest__Output as _nephele_v1_CreateVmSetRequest__Output } from './nephele/v1/CreateVmSetRequest.js';
import type { CreateVmSetResponse as _nephele_v1_CreateVmSetResponse, CreateVmSetResponse__Output as _nephele_v1_CreateVmSetResponse__Output } from './nephele/v1/CreateVmSetResponse.js';
import type { DeleteVmSetRequest as _nephele_v1_DeleteVmSetRequest, DeleteVmSetRequest__Output as _nephele_v1_DeleteVmSetRequest__Output } from './nephele/v1/DeleteVmSetRequest.js';
import type { DeleteVmSetResponse as _nephele_v1_DeleteVmSetResponse, DeleteVmSetResponse__Output as _nephele_v1_DeleteVmSetResponse__Output } from './nephele/v1/DeleteVmSetResponse.js';
import type { DestroyVmRequest as _nephele_v1_DestroyVmRequest, DestroyVmRequest__Output as _nephele_v1_DestroyVmRequest__Output } from './nephele/v1/DestroyVmRequest.js';
import type { DestroyVmResponse as _nephele_v1_DestroyVmResponse, DestroyVmResponse__Output as _nephele_v1_DestroyVmResponse__Output } from './nephele/v1/DestroyVmResponse.js';
import type { GetConsoleRequest as _nephele_v1_GetConsoleRequest, GetConsoleRequest__Output as _nephele_v1_GetConsoleRequest__Output } from './nephele/v1/GetConsoleRequest.js';
import type { GetPlanRequest as _nephele_v1_GetPlanRequest, GetPlanRequest__Output as _nephele_v1_GetPlanRequest__Output } from './nephele/v1/GetPlanRequest.js';
import type { GetPlanResponse as _nephele_v1_GetPlanResponse, GetPlanResponse__Output as _nephele_v1_GetPlanResponse__Output } from './nephele/v1/GetPlanResponse.js';
import type { GetVmRequest as _nephele_v1_GetVmRequest, GetVmRequest__Output as _nephele_v1_GetVmRequest__Output } from './nephele/v1/GetVmRequest.js';
import type { GetVmResponse as _nephele_v1_GetVmResponse, GetVmResponse__Output as _nephele_v1_GetVmResponse__Output } from './nephele/v1/GetVmResponse.js';
import type { GetVmSetRequest as _nephele_v1_GetVmSetRequest, GetVmSetRequest__Output as _nephele_v1_GetVmSetRequest__Output } from './nephele/v1/GetVmSetRequest.js';
import type { GetVmSetResponse as _nephele_v1_GetVmSetResponse, GetVmSetResponse__Output as _nephele_v1_GetVmSetResponse__Output } from './nephele/v1/GetVmSetResponse.js';
import type { ImageRef as _nephele_v1_ImageRef, ImageRef__Output as _nephele_v1_ImageRef__Output } from './nephele/v1/ImageRef.js';
import type { ListVmSetsRequest as _nephele_v1_ListVmSetsRequest, ListVmSetsRequest__Output as _nephele_v1_ListVmSetsRequest__Output } from './nephele/v1/ListVmSetsRequest.js';
import type { ListVmSetsResponse as _nephele_v1_ListVmSetsResponse, ListVmSetsResponse__Output as _nephele_v1_ListVmSetsResponse__Output } from './nephele/v1/ListVmSetsResponse.js';
import type { ListVmsRequest as _nephele_v1_ListVmsRequest, ListVmsRequest__Output as _nephele_v1_ListVmsRequest__Output } from './nephele/v1/ListVmsRequest.js';
import type { ListVmsResponse as _nephele_v1_ListVmsResponse, ListVmsResponse__Output as _nephele_v1_ListVmsResponse__Output } from './nephele/v1/ListVmsResponse.js';
import type { MigrateVmRequest as _nephele_v1_MigrateVmRequest, MigrateVmRequest__Output as _nephele_v1_MigrateVmRequest__Output } from './nephele/v1/MigrateVmRequest.js';
import type { MigrateVmResponse as _nephele_v1_MigrateVmResponse, MigrateVmResponse__Output as _nephele_v1_MigrateVmResponse__Output } from './nephele/v1/MigrateVmResponse.js';
import type { Plan as _nephele_v1_Plan, Plan__Output as _nephele_v1_Plan__Output } from './nephele/v1/Plan.js';
import type { PlanHostTotal as _nephele_v1_PlanHostTotal, PlanHostTotal__Output as _nephele_v1_PlanHostTotal__Output } from './nephele/v1/PlanHostTotal.js';
import type { PlanRow as _nephele_v1_PlanRow, PlanRow__Output as _nephele_v1_PlanRow__Output } from './nephele/v1/PlanRow.js';
import type { RebootVmRequest as _nephele_v1_RebootVmRequest, RebootVmRequest__Output as _nephele_v1_RebootVmRequest__Output } from './nephele/v1/RebootVmRequest.js';
import type { RebootVmResponse as _nephele_v1_RebootVmResponse, RebootVmResponse__Output as _nephele_v1_RebootVmResponse__Output } from './nephele/v1/RebootVmResponse.js';
import type { ResumeVmRequest as _nephele_v1_ResumeVmRequest, ResumeVmRequest__Output as _nephele_v1_ResumeVmRequest__Output } from './nephele/v1/ResumeVmRequest.js';
import type { ResumeVmResponse as _nephele_v1_ResumeVmResponse, ResumeVmResponse__Output as _nephele_v1_ResumeVmResponse__Output } from './nephele/v1/ResumeVmResponse.js';
import type { ScaleVmSetRequest as _nephele_v1_ScaleVmSetRequest, ScaleVmSetRequest__Output as _nephele_v1_ScaleVmSetRequest__Output } from './nephele/v1/ScaleVmSetRequest.js';
import type { ScaleVmSetResponse as _nephele_v1_ScaleVmSetResponse, ScaleVmSetResponse__Output as _nephele_v1_ScaleVmSetResponse__Output } from './nephele/v1/ScaleVmSetResponse.js';
import type { StartVmRequest as _nephele_v1_StartVmRequest, StartVmRequest__Output as _nephele_v1_StartVmRequest__Output } from './nephele/v1/StartVmRequest.js';
import type { StartVmResponse as _nephele_v1_StartVmResponse, StartVmResponse__Output as _nephele_v1_StartVmResponse__Output } from './nephele/v1/StartVmResponse.js';
import type { StopVmRequest as _nephele_v1_StopVmRequest, StopVmRequest__Output as _nephele_v1_StopVmRequest__Output } from './nephele/v1/StopVmRequest.js';
import type { StopVmResponse as _nephele_v1_StopVmResponse, StopVmResponse__Output as _nephele_v1_StopVmResponse__Output } from './nephele/v1/StopVmResponse.js';
import type { SuspendVmRequest as _nephele_v1_SuspendVmRequest, SuspendVmRequest__Output as _nephele_v1_SuspendVmRequest__Output } from './nephele/v1/SuspendVmRequest.js';
import type { SuspendVmResponse as _nephele_v1_SuspendVmResponse, SuspendVmResponse__Output as _nephele_v1_SuspendVmResponse__Output } from './nephele/v1/SuspendVmResponse.js';
import type { Vm as _nephele_v1_Vm, Vm__Output as _nephele_v1_Vm__Output } from './nephele/v1/Vm.js';
import type { VmServiceClient as _nephele_v1_VmServiceClient, VmServiceDefinition as _nephele_v1_VmServiceDefinition } from './nephele/v1/VmService.js';
import type { VmSet as _nephele_v1_VmSet, VmSet__Output as _nephele_v1_VmSet__Output } from './nephele/v1/VmSet.js';
import type { VmSetSpec as _nephele_v1_VmSetSpec, VmSetSpec__Output as _nephele_v1_VmSetSpec__Output } from './nephele/v1/VmSetSpec.js';
import type { VmSpec as _nephele_v1_VmSpec, VmSpec__Output as _nephele_v1_VmSpec__Output } from './nephele/v1/VmSpec.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nephele: {
    v1: {
      ConfigFile: MessageTypeDefinition<_nephele_v1_ConfigFile, _nephele_v1_ConfigFile__Output>
      ConsoleOutput: MessageTypeDefinition<_nephele_v1_ConsoleOutput, _nephele_v1_ConsoleOutput__Output>
      CreateVmRequest: MessageTypeDefinition<_nephele_v1_CreateVmRequest, _nephele_v1_CreateVmRequest__Output>
      CreateVmResponse: MessageTypeDefinition<_nephele_v1_CreateVmResponse, _nephele_v1_CreateVmResponse__Output>
      CreateVmSetRequest: MessageTypeDefinition<_nephele_v1_CreateVmSetRequest, _nephele_v1_CreateVmSetRequest__Output>
      CreateVmSetResponse: MessageTypeDefinition<_nephele_v1_CreateVmSetResponse, _nephele_v1_CreateVmSetResponse__Output>
      DeleteVmSetRequest: MessageTypeDefinition<_nephele_v1_DeleteVmSetRequest, _nephele_v1_DeleteVmSetRequest__Output>
      DeleteVmSetResponse: MessageTypeDefinition<_nephele_v1_DeleteVmSetResponse, _nephele_v1_DeleteVmSetResponse__Output>
      DesiredVmState: EnumTypeDefinition
      DestroyVmRequest: MessageTypeDefinition<_nephele_v1_DestroyVmRequest, _nephele_v1_DestroyVmRequest__Output>
      DestroyVmResponse: MessageTypeDefinition<_nephele_v1_DestroyVmResponse, _nephele_v1_DestroyVmResponse__Output>
      GetConsoleRequest: MessageTypeDefinition<_nephele_v1_GetConsoleRequest, _nephele_v1_GetConsoleRequest__Output>
      GetPlanRequest: MessageTypeDefinition<_nephele_v1_GetPlanRequest, _nephele_v1_GetPlanRequest__Output>
      GetPlanResponse: MessageTypeDefinition<_nephele_v1_GetPlanResponse, _nephele_v1_GetPlanResponse__Output>
      GetVmRequest: MessageTypeDefinition<_nephele_v1_GetVmRequest, _nephele_v1_GetVmRequest__Output>
      GetVmResponse: MessageTypeDefinition<_nephele_v1_GetVmResponse, _nephele_v1_GetVmResponse__Output>
      GetVmSetRequest: MessageTypeDefinition<_nephele_v1_GetVmSetRequest, _nephele_v1_GetVmSetRequest__Output>
      GetVmSetResponse: MessageTypeDefinition<_nephele_v1_GetVmSetResponse, _nephele_v1_GetVmSetResponse__Output>
      ImageFormat: EnumTypeDefinition
      ImageRef: MessageTypeDefinition<_nephele_v1_ImageRef, _nephele_v1_ImageRef__Output>
      ListVmSetsRequest: MessageTypeDefinition<_nephele_v1_ListVmSetsRequest, _nephele_v1_ListVmSetsRequest__Output>
      ListVmSetsResponse: MessageTypeDefinition<_nephele_v1_ListVmSetsResponse, _nephele_v1_ListVmSetsResponse__Output>
      ListVmsRequest: MessageTypeDefinition<_nephele_v1_ListVmsRequest, _nephele_v1_ListVmsRequest__Output>
      ListVmsResponse: MessageTypeDefinition<_nephele_v1_ListVmsResponse, _nephele_v1_ListVmsResponse__Output>
      MigrateVmRequest: MessageTypeDefinition<_nephele_v1_MigrateVmRequest, _nephele_v1_MigrateVmRequest__Output>
      MigrateVmResponse: MessageTypeDefinition<_nephele_v1_MigrateVmResponse, _nephele_v1_MigrateVmResponse__Output>
      PlacementStrategy: EnumTypeDefinition
      Plan: MessageTypeDefinition<_nephele_v1_Plan, _nephele_v1_Plan__Output>
      PlanHostTotal: MessageTypeDefinition<_nephele_v1_PlanHostTotal, _nephele_v1_PlanHostTotal__Output>
      PlanRow: MessageTypeDefinition<_nephele_v1_PlanRow, _nephele_v1_PlanRow__Output>
      RebootVmRequest: MessageTypeDefinition<_nephele_v1_RebootVmRequest, _nephele_v1_RebootVmRequest__Output>
      RebootVmResponse: MessageTypeDefinition<_nephele_v1_RebootVmResponse, _nephele_v1_RebootVmResponse__Output>
      ResumeVmRequest: MessageTypeDefinition<_nephele_v1_ResumeVmRequest, _nephele_v1_ResumeVmRequest__Output>
      ResumeVmResponse: MessageTypeDefinition<_nephele_v1_ResumeVmResponse, _nephele_v1_ResumeVmResponse__Output>
      ScaleVmSetRequest: MessageTypeDefinition<_nephele_v1_ScaleVmSetRequest, _nephele_v1_ScaleVmSetRequest__Output>
      ScaleVmSetResponse: MessageTypeDefinition<_nephele_v1_ScaleVmSetResponse, _nephele_v1_ScaleVmSetResponse__Output>
      SetAffinity: EnumTypeDefinition
      Sla: EnumTypeDefinition
      StartVmRequest: MessageTypeDefinition<_nephele_v1_StartVmRequest, _nephele_v1_StartVmRequest__Output>
      StartVmResponse: MessageTypeDefinition<_nephele_v1_StartVmResponse, _nephele_v1_StartVmResponse__Output>
      StopVmRequest: MessageTypeDefinition<_nephele_v1_StopVmRequest, _nephele_v1_StopVmRequest__Output>
      StopVmResponse: MessageTypeDefinition<_nephele_v1_StopVmResponse, _nephele_v1_StopVmResponse__Output>
      SuspendVmRequest: MessageTypeDefinition<_nephele_v1_SuspendVmRequest, _nephele_v1_SuspendVmRequest__Output>
      SuspendVmResponse: MessageTypeDefinition<_nephele_v1_SuspendVmResponse, _nephele_v1_SuspendVmResponse__Output>
      Vm: MessageTypeDefinition<_nephele_v1_Vm, _nephele_v1_Vm__Output>
      VmService: SubtypeConstructor<typeof grpc.Client, _nephele_v1_VmServiceClient> & { service: _nephele_v1_VmServiceDefinition }
      VmSet: MessageTypeDefinition<_nephele_v1_VmSet, _nephele_v1_VmSet__Output>
      VmSetSpec: MessageTypeDefinition<_nephele_v1_VmSetSpec, _nephele_v1_VmSetSpec__Output>
      VmSetState: EnumTypeDefinition
      VmSpec: MessageTypeDefinition<_nephele_v1_VmSpec, _nephele_v1_VmSpec__Output>
      VmState: EnumTypeDefinition
    }
  }
}

