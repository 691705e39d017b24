import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CreateVmRequest as _nephele_v1_CreateVmRequest, CreateVmRequest__Output as _nephele_v1_CreateVmRequest__Output } from './nephele/v1/CreateVmRequest.js';
import type { CreateVmResponse as _nephele_v1_CreateVmResponse, CreateVmResponse__Output as _nephele_v1_CreateVmResponse__Output } from './nephele/v1/CreateVmResponse.js';
import type { DestroyVmRequest as _nephele_v1_DestroyVmRequest, DestroyVmRequest__Output as _nephele_v1_DestroyVmRequest__Output } from './nephele/v1/DestroyVmRequest.js';
import type { DestroyVmResponse as _nephele_v1_DestroyVmResponse, DestroyVmResponse__Output as _nephele_v1_DestroyVmResponse__Output } from './nephele/v1/DestroyVmResponse.js';
import type { GetVmRequest as _nephele_v1_GetVmRequest, GetVmRequest__Output as _nephele_v1_GetVmRequest__Output } from './nephele/v1/GetVmRequest.js';
import type { GetVmResponse as _nephele_v1_GetVmResponse, GetVmResponse__Output as _nephele_v1_GetVmResponse__Output } from './nephele/v1/GetVmResponse.js';
import type { ListVmsRequest as _nephele_v1_ListVmsRequest, ListVmsRequest__Output as _nephele_v1_ListVmsRequest__Output } from './nephele/v1/ListVmsRequest.js';
import type { ListVmsResponse as _nephele_v1_ListVmsResponse, ListVmsResponse__Output as _nephele_v1_ListVmsResponse__Output } from './nephele/v1/ListVmsResponse.js';
import type { RebootVmRequest as _nephele_v1_RebootVmRequest, RebootVmRequest__Output as _nephele_v1_RebootVmRequest__Output } from './nephele/v1/RebootVmRequest.js';
import type { RebootVmResponse as _nephele_v1_RebootVmResponse, RebootVmResponse__Output as _nephele_v1_RebootVmResponse__Output } from './nephele/v1/RebootVmResponse.js';
import type { ResumeVmRequest as _nephele_v1_ResumeVmRequest, ResumeVmRequest__Output as _nephele_v1_ResumeVmRequest__Output } from './nephele/v1/ResumeVmRequest.js';
import type { ResumeVmResponse as _nephele_v1_ResumeVmResponse, ResumeVmResponse__Output as _nephele_v1_ResumeVmResponse__Output } from './nephele/v1/ResumeVmResponse.js';
import type { StartVmRequest as _nephele_v1_StartVmRequest, StartVmRequest__Output as _nephele_v1_StartVmRequest__Output } from './nephele/v1/StartVmRequest.js';
import type { StartVmResponse as _nephele_v1_StartVmResponse, StartVmResponse__Output as _nephele_v1_StartVmResponse__Output } from './nephele/v1/StartVmResponse.js';
import type { StopVmRequest as _nephele_v1_StopVmRequest, StopVmRequest__Output as _nephele_v1_StopVmRequest__Output } from './nephele/v1/StopVmRequest.js';
import type { StopVmResponse as _nephele_v1_StopVmResponse, StopVmResponse__Output as _nephele_v1_StopVmResponse__Output } from './nephele/v1/StopVmResponse.js';
import type { SuspendVmRequest as _nephele_v1_SuspendVmRequest, SuspendVmRequest__Output as _nephele_v1_SuspendVmRequest__Output } from './nephele/v1/SuspendVmRequest.js';
import type { SuspendVmResponse as _nephele_v1_SuspendVmResponse, SuspendVmResponse__Output as _nephele_v1_SuspendVmResponse__Output } from './nephele/v1/SuspendVmResponse.js';
import type { Vm as _nephele_v1_Vm, Vm__Output as _nephele_v1_Vm__Output } from './nephele/v1/Vm.js';
import type { VmServiceClient as _nephele_v1_VmServiceClient, VmServiceDefinition as _nephele_v1_VmServiceDefinition } from './nephele/v1/VmService.js';
import type { VmSpec as _nephele_v1_VmSpec, VmSpec__Output as _nephele_v1_VmSpec__Output } from './nephele/v1/VmSpec.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nephele: {
    v1: {
      CreateVmRequest: MessageTypeDefinition<_nephele_v1_CreateVmRequest, _nephele_v1_CreateVmRequest__Output>
      CreateVmResponse: MessageTypeDefinition<_nephele_v1_CreateVmResponse, _nephele_v1_CreateVmResponse__Output>
      DesiredVmState: EnumTypeDefinition
      DestroyVmRequest: MessageTypeDefinition<_nephele_v1_DestroyVmRequest, _nephele_v1_DestroyVmRequest__Output>
      DestroyVmResponse: MessageTypeDefinition<_nephele_v1_DestroyVmResponse, _nephele_v1_DestroyVmResponse__Output>
      GetVmRequest: MessageTypeDefinition<_nephele_v1_GetVmRequest, _nephele_v1_GetVmRequest__Output>
      GetVmResponse: MessageTypeDefinition<_nephele_v1_GetVmResponse, _nephele_v1_GetVmResponse__Output>
      ListVmsRequest: MessageTypeDefinition<_nephele_v1_ListVmsRequest, _nephele_v1_ListVmsRequest__Output>
      ListVmsResponse: MessageTypeDefinition<_nephele_v1_ListVmsResponse, _nephele_v1_ListVmsResponse__Output>
      RebootVmRequest: MessageTypeDefinition<_nephele_v1_RebootVmRequest, _nephele_v1_RebootVmRequest__Output>
      RebootVmResponse: MessageTypeDefinition<_nephele_v1_RebootVmResponse, _nephele_v1_RebootVmResponse__Output>
      ResumeVmRequest: MessageTypeDefinition<_nephele_v1_ResumeVmRequest, _nephele_v1_ResumeVmRequest__Output>
      ResumeVmResponse: MessageTypeDefinition<_nephele_v1_ResumeVmResponse, _nephele_v1_ResumeVmResponse__Output>
      StartVmRequest: MessageTypeDefinition<_nephele_v1_StartVmRequest, _nephele_v1_StartVmRequest__Output>
      StartVmResponse: MessageTypeDefinition<_nephele_v1_StartVmResponse, _nephele_v1_StartVmResponse__Output>
      StopVmRequest: MessageTypeDefinition<_nephele_v1_StopVmRequest, _nephele_v1_StopVmRequest__Output>
      StopVmResponse: MessageTypeDefinition<_nephele_v1_StopVmResponse, _nephele_v1_StopVmResponse__Output>
      SuspendVmRequest: MessageTypeDefinition<_nephele_v1_SuspendVmRequest, _nephele_v1_SuspendVmRequest__Output>
      SuspendVmResponse: MessageTypeDefinition<_nephele_v1_SuspendVmResponse, _nephele_v1_SuspendVmResponse__Output>
      Vm: MessageTypeDefinition<_nephele_v1_Vm, _nephele_v1_Vm__Output>
      VmService: SubtypeConstructor<typeof grpc.Client, _nephele_v1_VmServiceClient> & { service: _nephele_v1_VmServiceDefinition }
      VmSpec: MessageTypeDefinition<_nephele_v1_VmSpec, _nephele_v1_VmSpec__Output>
      VmState: EnumTypeDefinition
    }
  }
}

