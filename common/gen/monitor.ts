import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ActionLadders as _nephele_v1_ActionLadders, ActionLadders__Output as _nephele_v1_ActionLadders__Output } from './nephele/v1/ActionLadders.js';
import type { AppAction as _nephele_v1_AppAction, AppAction__Output as _nephele_v1_AppAction__Output } from './nephele/v1/AppAction.js';
import type { Appliance as _nephele_v1_Appliance, Appliance__Output as _nephele_v1_Appliance__Output } from './nephele/v1/Appliance.js';
import type { ApplianceProcess as _nephele_v1_ApplianceProcess, ApplianceProcess__Output as _nephele_v1_ApplianceProcess__Output } from './nephele/v1/ApplianceProcess.js';
import type { ApplianceReport as _nephele_v1_ApplianceReport, ApplianceReport__Output as _nephele_v1_ApplianceReport__Output } from './nephele/v1/ApplianceReport.js';
import type { ApplianceState as _nephele_v1_ApplianceState, ApplianceState__Output as _nephele_v1_ApplianceState__Output } from './nephele/v1/ApplianceState.js';
import type { ControlAction as _nephele_v1_ControlAction, ControlAction__Output as _nephele_v1_ControlAction__Output } from './nephele/v1/ControlAction.js';
import type { GetApplianceRequest as _nephele_v1_GetApplianceRequest, GetApplianceRequest__Output as _nephele_v1_GetApplianceRequest__Output } from './nephele/v1/GetApplianceRequest.js';
import type { GetApplianceResponse as _nephele_v1_GetApplianceResponse, GetApplianceResponse__Output as _nephele_v1_GetApplianceResponse__Output } from './nephele/v1/GetApplianceResponse.js';
import type { GetMonitorPolicyRequest as _nephele_v1_GetMonitorPolicyRequest, GetMonitorPolicyRequest__Output as _nephele_v1_GetMonitorPolicyRequest__Output } from './nephele/v1/GetMonitorPolicyRequest.js';
import type { GetMonitorPolicyResponse as _nephele_v1_GetMonitorPolicyResponse, GetMonitorPolicyResponse__Output as _nephele_v1_GetMonitorPolicyResponse__Output } from './nephele/v1/GetMonitorPolicyResponse.js';
import type { GetSubscriptionRequest as _nephele_v1_GetSubscriptionRequest, GetSubscriptionRequest__Output as _nephele_v1_GetSubscriptionRequest__Output } from './nephele/v1/GetSubscriptionRequest.js';
import type { GetSubscriptionResponse as _nephele_v1_GetSubscriptionResponse, GetSubscriptionResponse__Output as _nephele_v1_GetSubscriptionResponse__Output } from './nephele/v1/GetSubscriptionResponse.js';
import type { IoCounters as _nephele_v1_IoCounters, IoCounters__Output as _nephele_v1_IoCounters__Output } from './nephele/v1/IoCounters.js';
import type { LadderRung as _nephele_v1_LadderRung, LadderRung__Output as _nephele_v1_LadderRung__Output } from './nephele/v1/LadderRung.js';
import type { Licence as _nephele_v1_Licence, Licence__Output as _nephele_v1_Licence__Output } from './nephele/v1/Licence.js';
import type { LicenceRules as _nephele_v1_LicenceRules, LicenceRules__Output as _nephele_v1_LicenceRules__Output } from './nephele/v1/LicenceRules.js';
import type { ListAppliancesRequest as _nephele_v1_ListAppliancesRequest, ListAppliancesRequest__Output as _nephele_v1_ListAppliancesRequest__Output } from './nephele/v1/ListAppliancesRequest.js';
import type { ListAppliancesResponse as _nephele_v1_ListAppliancesResponse, ListAppliancesResponse__Output as _nephele_v1_ListAppliancesResponse__Output } from './nephele/v1/ListAppliancesResponse.js';
import type { ListControlActionsRequest as _nephele_v1_ListControlActionsRequest, ListControlActionsRequest__Output as _nephele_v1_ListControlActionsRequest__Output } from './nephele/v1/ListControlActionsRequest.js';
import type { ListControlActionsResponse as _nephele_v1_ListControlActionsResponse, ListControlActionsResponse__Output as _nephele_v1_ListControlActionsResponse__Output } from './nephele/v1/ListControlActionsResponse.js';
import type { MonitorPolicy as _nephele_v1_MonitorPolicy, MonitorPolicy__Output as _nephele_v1_MonitorPolicy__Output } from './nephele/v1/MonitorPolicy.js';
import type { MonitorServiceClient as _nephele_v1_MonitorServiceClient, MonitorServiceDefinition as _nephele_v1_MonitorServiceDefinition } from './nephele/v1/MonitorService.js';
import type { MonitorSpec as _nephele_v1_MonitorSpec, MonitorSpec__Output as _nephele_v1_MonitorSpec__Output } from './nephele/v1/MonitorSpec.js';
import type { PollApplianceRequest as _nephele_v1_PollApplianceRequest, PollApplianceRequest__Output as _nephele_v1_PollApplianceRequest__Output } from './nephele/v1/PollApplianceRequest.js';
import type { PollApplianceResponse as _nephele_v1_PollApplianceResponse, PollApplianceResponse__Output as _nephele_v1_PollApplianceResponse__Output } from './nephele/v1/PollApplianceResponse.js';
import type { PolledMark as _nephele_v1_PolledMark, PolledMark__Output as _nephele_v1_PolledMark__Output } from './nephele/v1/PolledMark.js';
import type { Probe as _nephele_v1_Probe, Probe__Output as _nephele_v1_Probe__Output } from './nephele/v1/Probe.js';
import type { ProbeResult as _nephele_v1_ProbeResult, ProbeResult__Output as _nephele_v1_ProbeResult__Output } from './nephele/v1/ProbeResult.js';
import type { RogueSignature as _nephele_v1_RogueSignature, RogueSignature__Output as _nephele_v1_RogueSignature__Output } from './nephele/v1/RogueSignature.js';
import type { SetMonitorPolicyRequest as _nephele_v1_SetMonitorPolicyRequest, SetMonitorPolicyRequest__Output as _nephele_v1_SetMonitorPolicyRequest__Output } from './nephele/v1/SetMonitorPolicyRequest.js';
import type { SetMonitorPolicyResponse as _nephele_v1_SetMonitorPolicyResponse, SetMonitorPolicyResponse__Output as _nephele_v1_SetMonitorPolicyResponse__Output } from './nephele/v1/SetMonitorPolicyResponse.js';
import type { SetSubscriptionRequest as _nephele_v1_SetSubscriptionRequest, SetSubscriptionRequest__Output as _nephele_v1_SetSubscriptionRequest__Output } from './nephele/v1/SetSubscriptionRequest.js';
import type { SetSubscriptionResponse as _nephele_v1_SetSubscriptionResponse, SetSubscriptionResponse__Output as _nephele_v1_SetSubscriptionResponse__Output } from './nephele/v1/SetSubscriptionResponse.js';
import type { Subscription as _nephele_v1_Subscription, Subscription__Output as _nephele_v1_Subscription__Output } from './nephele/v1/Subscription.js';
import type { TakeControlActionRequest as _nephele_v1_TakeControlActionRequest, TakeControlActionRequest__Output as _nephele_v1_TakeControlActionRequest__Output } from './nephele/v1/TakeControlActionRequest.js';
import type { TakeControlActionResponse as _nephele_v1_TakeControlActionResponse, TakeControlActionResponse__Output as _nephele_v1_TakeControlActionResponse__Output } from './nephele/v1/TakeControlActionResponse.js';
import type { Thresholds as _nephele_v1_Thresholds, Thresholds__Output as _nephele_v1_Thresholds__Output } from './nephele/v1/Thresholds.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nephele: {
    v1: {
      ActionLadders: MessageTypeDefinition<_nephele_v1_ActionLadders, _nephele_v1_ActionLadders__Output>
      ActionOutcome: EnumTypeDefinition
      AppAction: MessageTypeDefinition<_nephele_v1_AppAction, _nephele_v1_AppAction__Output>
      AppActionKind: EnumTypeDefinition
      AppState: EnumTypeDefinition
      Appliance: MessageTypeDefinition<_nephele_v1_Appliance, _nephele_v1_Appliance__Output>
      ApplianceProcess: MessageTypeDefinition<_nephele_v1_ApplianceProcess, _nephele_v1_ApplianceProcess__Output>
      ApplianceReport: MessageTypeDefinition<_nephele_v1_ApplianceReport, _nephele_v1_ApplianceReport__Output>
      ApplianceState: MessageTypeDefinition<_nephele_v1_ApplianceState, _nephele_v1_ApplianceState__Output>
      ControlAction: MessageTypeDefinition<_nephele_v1_ControlAction, _nephele_v1_ControlAction__Output>
      ControlActionKind: EnumTypeDefinition
      GetApplianceRequest: MessageTypeDefinition<_nephele_v1_GetApplianceRequest, _nephele_v1_GetApplianceRequest__Output>
      GetApplianceResponse: MessageTypeDefinition<_nephele_v1_GetApplianceResponse, _nephele_v1_GetApplianceResponse__Output>
      GetMonitorPolicyRequest: MessageTypeDefinition<_nephele_v1_GetMonitorPolicyRequest, _nephele_v1_GetMonitorPolicyRequest__Output>
      GetMonitorPolicyResponse: MessageTypeDefinition<_nephele_v1_GetMonitorPolicyResponse, _nephele_v1_GetMonitorPolicyResponse__Output>
      GetSubscriptionRequest: MessageTypeDefinition<_nephele_v1_GetSubscriptionRequest, _nephele_v1_GetSubscriptionRequest__Output>
      GetSubscriptionResponse: MessageTypeDefinition<_nephele_v1_GetSubscriptionResponse, _nephele_v1_GetSubscriptionResponse__Output>
      IoCounters: MessageTypeDefinition<_nephele_v1_IoCounters, _nephele_v1_IoCounters__Output>
      LadderRung: MessageTypeDefinition<_nephele_v1_LadderRung, _nephele_v1_LadderRung__Output>
      LadderStep: EnumTypeDefinition
      Licence: MessageTypeDefinition<_nephele_v1_Licence, _nephele_v1_Licence__Output>
      LicenceRules: MessageTypeDefinition<_nephele_v1_LicenceRules, _nephele_v1_LicenceRules__Output>
      ListAppliancesRequest: MessageTypeDefinition<_nephele_v1_ListAppliancesRequest, _nephele_v1_ListAppliancesRequest__Output>
      ListAppliancesResponse: MessageTypeDefinition<_nephele_v1_ListAppliancesResponse, _nephele_v1_ListAppliancesResponse__Output>
      ListControlActionsRequest: MessageTypeDefinition<_nephele_v1_ListControlActionsRequest, _nephele_v1_ListControlActionsRequest__Output>
      ListControlActionsResponse: MessageTypeDefinition<_nephele_v1_ListControlActionsResponse, _nephele_v1_ListControlActionsResponse__Output>
      MonitorPolicy: MessageTypeDefinition<_nephele_v1_MonitorPolicy, _nephele_v1_MonitorPolicy__Output>
      MonitorService: SubtypeConstructor<typeof grpc.Client, _nephele_v1_MonitorServiceClient> & { service: _nephele_v1_MonitorServiceDefinition }
      MonitorSpec: MessageTypeDefinition<_nephele_v1_MonitorSpec, _nephele_v1_MonitorSpec__Output>
      PollApplianceRequest: MessageTypeDefinition<_nephele_v1_PollApplianceRequest, _nephele_v1_PollApplianceRequest__Output>
      PollApplianceResponse: MessageTypeDefinition<_nephele_v1_PollApplianceResponse, _nephele_v1_PollApplianceResponse__Output>
      PolledMark: MessageTypeDefinition<_nephele_v1_PolledMark, _nephele_v1_PolledMark__Output>
      Probe: MessageTypeDefinition<_nephele_v1_Probe, _nephele_v1_Probe__Output>
      ProbeKind: EnumTypeDefinition
      ProbeResult: MessageTypeDefinition<_nephele_v1_ProbeResult, _nephele_v1_ProbeResult__Output>
      RogueSignature: MessageTypeDefinition<_nephele_v1_RogueSignature, _nephele_v1_RogueSignature__Output>
      SetMonitorPolicyRequest: MessageTypeDefinition<_nephele_v1_SetMonitorPolicyRequest, _nephele_v1_SetMonitorPolicyRequest__Output>
      SetMonitorPolicyResponse: MessageTypeDefinition<_nephele_v1_SetMonitorPolicyResponse, _nephele_v1_SetMonitorPolicyResponse__Output>
      SetSubscriptionRequest: MessageTypeDefinition<_nephele_v1_SetSubscriptionRequest, _nephele_v1_SetSubscriptionRequest__Output>
      SetSubscriptionResponse: MessageTypeDefinition<_nephele_v1_SetSubscriptionResponse, _nephele_v1_SetSubscriptionResponse__Output>
      Subscription: MessageTypeDefinition<_nephele_v1_Subscription, _nephele_v1_Subscription__Output>
      SubscriptionState: EnumTypeDefinition
      TakeControlActionRequest: MessageTypeDefinition<_nephele_v1_TakeControlActionRequest, _nephele_v1_TakeControlActionRequest__Output>
      TakeControlActionResponse: MessageTypeDefinition<_nephele_v1_TakeControlActionResponse, _nephele_v1_TakeControlActionResponse__Output>
      Thresholds: MessageTypeDefinition<_nephele_v1_Thresholds, _nephele_v1_Thresholds__Output>
      UpdateSource: EnumTypeDefinition
    }
  }
}

