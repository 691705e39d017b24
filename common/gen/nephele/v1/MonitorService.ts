// Original file: proto/nephele/v1/monitor.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetApplianceRequest as _nephele_v1_GetApplianceRequest, GetApplianceRequest__Output as _nephele_v1_GetApplianceRequest__Output } from '../../nephele/v1/GetApplianceRequest.js';
import type { GetApplianceResponse as _nephele_v1_GetApplianceResponse, GetApplianceResponse__Output as _nephele_v1_GetApplianceResponse__Output } from '../../nephele/v1/GetApplianceResponse.js';
import type { GetMonitorPolicyRequest as _nephele_v1_GetMonitorPolicyRequest, GetMonitorPolicyRequest__Output as _nephele_v1_GetMonitorPolicyRequest__Output } from '../../nephele/v1/GetMonitorPolicyRequest.js';
import type { GetMonitorPolicyResponse as _nephele_v1_GetMonitorPolicyResponse, GetMonitorPolicyResponse__Output as _nephele_v1_GetMonitorPolicyResponse__Output } from '../../nephele/v1/GetMonitorPolicyResponse.js';
import type { GetSubscriptionRequest as _nephele_v1_GetSubscriptionRequest, GetSubscriptionRequest__Output as _nephele_v1_GetSubscriptionRequest__Output } from '../../nephele/v1/GetSubscriptionRequest.js';
import type { GetSubscriptionResponse as _nephele_v1_GetSubscriptionResponse, GetSubscriptionResponse__Output as _nephele_v1_GetSubscriptionResponse__Output } from '../../nephele/v1/GetSubscriptionResponse.js';
import type { ListAppliancesRequest as _nephele_v1_ListAppliancesRequest, ListAppliancesRequest__Output as _nephele_v1_ListAppliancesRequest__Output } from '../../nephele/v1/ListAppliancesRequest.js';
import type { ListAppliancesResponse as _nephele_v1_ListAppliancesResponse, ListAppliancesResponse__Output as _nephele_v1_ListAppliancesResponse__Output } from '../../nephele/v1/ListAppliancesResponse.js';
import type { ListControlActionsRequest as _nephele_v1_ListControlActionsRequest, ListControlActionsRequest__Output as _nephele_v1_ListControlActionsRequest__Output } from '../../nephele/v1/ListControlActionsRequest.js';
import type { ListControlActionsResponse as _nephele_v1_ListControlActionsResponse, ListControlActionsResponse__Output as _nephele_v1_ListControlActionsResponse__Output } from '../../nephele/v1/ListControlActionsResponse.js';
import type { PollApplianceRequest as _nephele_v1_PollApplianceRequest, PollApplianceRequest__Output as _nephele_v1_PollApplianceRequest__Output } from '../../nephele/v1/PollApplianceRequest.js';
import type { PollApplianceResponse as _nephele_v1_PollApplianceResponse, PollApplianceResponse__Output as _nephele_v1_PollApplianceResponse__Output } from '../../nephele/v1/PollApplianceResponse.js';
import type { SetMonitorPolicyRequest as _nephele_v1_SetMonitorPolicyRequest, SetMonitorPolicyRequest__Output as _nephele_v1_SetMonitorPolicyRequest__Output } from '../../nephele/v1/SetMonitorPolicyRequest.js';
import type { SetMonitorPolicyResponse as _nephele_v1_SetMonitorPolicyResponse, SetMonitorPolicyResponse__Output as _nephele_v1_SetMonitorPolicyResponse__Output } from '../../nephele/v1/SetMonitorPolicyResponse.js';
import type { SetSubscriptionRequest as _nephele_v1_SetSubscriptionRequest, SetSubscriptionRequest__Output as _nephele_v1_SetSubscriptionRequest__Output } from '../../nephele/v1/SetSubscriptionRequest.js';
import type { SetSubscriptionResponse as _nephele_v1_SetSubscriptionResponse, SetSubscriptionResponse__Output as _nephele_v1_SetSubscriptionResponse__Output } from '../../nephele/v1/SetSubscriptionResponse.js';
import type { TakeControlActionRequest as _nephele_v1_TakeControlActionRequest, TakeControlActionRequest__Output as _nephele_v1_TakeControlActionRequest__Output } from '../../nephele/v1/TakeControlActionRequest.js';
import type { TakeControlActionResponse as _nephele_v1_TakeControlActionResponse, TakeControlActionResponse__Output as _nephele_v1_TakeControlActionResponse__Output } from '../../nephele/v1/TakeControlActionResponse.js';

export interface MonitorServiceClient extends grpc.Client {
  GetAppliance(argument: _nephele_v1_GetApplianceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetApplianceResponse__Output>): grpc.ClientUnaryCall;
  GetAppliance(argument: _nephele_v1_GetApplianceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetApplianceResponse__Output>): grpc.ClientUnaryCall;
  GetAppliance(argument: _nephele_v1_GetApplianceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetApplianceResponse__Output>): grpc.ClientUnaryCall;
  GetAppliance(argument: _nephele_v1_GetApplianceRequest, callback: grpc.requestCallback<_nephele_v1_GetApplianceResponse__Output>): grpc.ClientUnaryCall;
  getAppliance(argument: _nephele_v1_GetApplianceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetApplianceResponse__Output>): grpc.ClientUnaryCall;
  getAppliance(argument: _nephele_v1_GetApplianceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetApplianceResponse__Output>): grpc.ClientUnaryCall;
  getAppliance(argument: _nephele_v1_GetApplianceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetApplianceResponse__Output>): grpc.ClientUnaryCall;
  getAppliance(argument: _nephele_v1_GetApplianceRequest, callback: grpc.requestCallback<_nephele_v1_GetApplianceResponse__Output>): grpc.ClientUnaryCall;
  
  GetMonitorPolicy(argument: _nephele_v1_GetMonitorPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  GetMonitorPolicy(argument: _nephele_v1_GetMonitorPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  GetMonitorPolicy(argument: _nephele_v1_GetMonitorPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  GetMonitorPolicy(argument: _nephele_v1_GetMonitorPolicyRequest, callback: grpc.requestCallback<_nephele_v1_GetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  getMonitorPolicy(argument: _nephele_v1_GetMonitorPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  getMonitorPolicy(argument: _nephele_v1_GetMonitorPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  getMonitorPolicy(argument: _nephele_v1_GetMonitorPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  getMonitorPolicy(argument: _nephele_v1_GetMonitorPolicyRequest, callback: grpc.requestCallback<_nephele_v1_GetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  
  GetSubscription(argument: _nephele_v1_GetSubscriptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  GetSubscription(argument: _nephele_v1_GetSubscriptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  GetSubscription(argument: _nephele_v1_GetSubscriptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  GetSubscription(argument: _nephele_v1_GetSubscriptionRequest, callback: grpc.requestCallback<_nephele_v1_GetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  getSubscription(argument: _nephele_v1_GetSubscriptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  getSubscription(argument: _nephele_v1_GetSubscriptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  getSubscription(argument: _nephele_v1_GetSubscriptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  getSubscription(argument: _nephele_v1_GetSubscriptionRequest, callback: grpc.requestCallback<_nephele_v1_GetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  
  ListAppliances(argument: _nephele_v1_ListAppliancesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListAppliancesResponse__Output>): grpc.ClientUnaryCall;
  ListAppliances(argument: _nephele_v1_ListAppliancesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListAppliancesResponse__Output>): grpc.ClientUnaryCall;
  ListAppliances(argument: _nephele_v1_ListAppliancesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListAppliancesResponse__Output>): grpc.ClientUnaryCall;
  ListAppliances(argument: _nephele_v1_ListAppliancesRequest, callback: grpc.requestCallback<_nephele_v1_ListAppliancesResponse__Output>): grpc.ClientUnaryCall;
  listAppliances(argument: _nephele_v1_ListAppliancesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListAppliancesResponse__Output>): grpc.ClientUnaryCall;
  listAppliances(argument: _nephele_v1_ListAppliancesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListAppliancesResponse__Output>): grpc.ClientUnaryCall;
  listAppliances(argument: _nephele_v1_ListAppliancesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListAppliancesResponse__Output>): grpc.ClientUnaryCall;
  listAppliances(argument: _nephele_v1_ListAppliancesRequest, callback: grpc.requestCallback<_nephele_v1_ListAppliancesResponse__Output>): grpc.ClientUnaryCall;
  
  ListControlActions(argument: _nephele_v1_ListControlActionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListControlActionsResponse__Output>): grpc.ClientUnaryCall;
  ListControlActions(argument: _nephele_v1_ListControlActionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListControlActionsResponse__Output>): grpc.ClientUnaryCall;
  ListControlActions(argument: _nephele_v1_ListControlActionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListControlActionsResponse__Output>): grpc.ClientUnaryCall;
  ListControlActions(argument: _nephele_v1_ListControlActionsRequest, callback: grpc.requestCallback<_nephele_v1_ListControlActionsResponse__Output>): grpc.ClientUnaryCall;
  listControlActions(argument: _nephele_v1_ListControlActionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListControlActionsResponse__Output>): grpc.ClientUnaryCall;
  listControlActions(argument: _nephele_v1_ListControlActionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListControlActionsResponse__Output>): grpc.ClientUnaryCall;
  listControlActions(argument: _nephele_v1_ListControlActionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListControlActionsResponse__Output>): grpc.ClientUnaryCall;
  listControlActions(argument: _nephele_v1_ListControlActionsRequest, callback: grpc.requestCallback<_nephele_v1_ListControlActionsResponse__Output>): grpc.ClientUnaryCall;
  
  PollAppliance(argument: _nephele_v1_PollApplianceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PollApplianceResponse__Output>): grpc.ClientUnaryCall;
  PollAppliance(argument: _nephele_v1_PollApplianceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PollApplianceResponse__Output>): grpc.ClientUnaryCall;
  PollAppliance(argument: _nephele_v1_PollApplianceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PollApplianceResponse__Output>): grpc.ClientUnaryCall;
  PollAppliance(argument: _nephele_v1_PollApplianceRequest, callback: grpc.requestCallback<_nephele_v1_PollApplianceResponse__Output>): grpc.ClientUnaryCall;
  pollAppliance(argument: _nephele_v1_PollApplianceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PollApplianceResponse__Output>): grpc.ClientUnaryCall;
  pollAppliance(argument: _nephele_v1_PollApplianceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PollApplianceResponse__Output>): grpc.ClientUnaryCall;
  pollAppliance(argument: _nephele_v1_PollApplianceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PollApplianceResponse__Output>): grpc.ClientUnaryCall;
  pollAppliance(argument: _nephele_v1_PollApplianceRequest, callback: grpc.requestCallback<_nephele_v1_PollApplianceResponse__Output>): grpc.ClientUnaryCall;
  
  SetMonitorPolicy(argument: _nephele_v1_SetMonitorPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  SetMonitorPolicy(argument: _nephele_v1_SetMonitorPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  SetMonitorPolicy(argument: _nephele_v1_SetMonitorPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  SetMonitorPolicy(argument: _nephele_v1_SetMonitorPolicyRequest, callback: grpc.requestCallback<_nephele_v1_SetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  setMonitorPolicy(argument: _nephele_v1_SetMonitorPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  setMonitorPolicy(argument: _nephele_v1_SetMonitorPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  setMonitorPolicy(argument: _nephele_v1_SetMonitorPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  setMonitorPolicy(argument: _nephele_v1_SetMonitorPolicyRequest, callback: grpc.requestCallback<_nephele_v1_SetMonitorPolicyResponse__Output>): grpc.ClientUnaryCall;
  
  SetSubscription(argument: _nephele_v1_SetSubscriptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  SetSubscription(argument: _nephele_v1_SetSubscriptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  SetSubscription(argument: _nephele_v1_SetSubscriptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  SetSubscription(argument: _nephele_v1_SetSubscriptionRequest, callback: grpc.requestCallback<_nephele_v1_SetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  setSubscription(argument: _nephele_v1_SetSubscriptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  setSubscription(argument: _nephele_v1_SetSubscriptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  setSubscription(argument: _nephele_v1_SetSubscriptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  setSubscription(argument: _nephele_v1_SetSubscriptionRequest, callback: grpc.requestCallback<_nephele_v1_SetSubscriptionResponse__Output>): grpc.ClientUnaryCall;
  
  TakeControlAction(argument: _nephele_v1_TakeControlActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_TakeControlActionResponse__Output>): grpc.ClientUnaryCall;
  TakeControlAction(argument: _nephele_v1_TakeControlActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_TakeControlActionResponse__Output>): grpc.ClientUnaryCall;
  TakeControlAction(argument: _nephele_v1_TakeControlActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_TakeControlActionResponse__Output>): grpc.ClientUnaryCall;
  TakeControlAction(argument: _nephele_v1_TakeControlActionRequest, callback: grpc.requestCallback<_nephele_v1_TakeControlActionResponse__Output>): grpc.ClientUnaryCall;
  takeControlAction(argument: _nephele_v1_TakeControlActionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_TakeControlActionResponse__Output>): grpc.ClientUnaryCall;
  takeControlAction(argument: _nephele_v1_TakeControlActionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_TakeControlActionResponse__Output>): grpc.ClientUnaryCall;
  takeControlAction(argument: _nephele_v1_TakeControlActionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_TakeControlActionResponse__Output>): grpc.ClientUnaryCall;
  takeControlAction(argument: _nephele_v1_TakeControlActionRequest, callback: grpc.requestCallback<_nephele_v1_TakeControlActionResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface MonitorServiceHandlers extends grpc.UntypedServiceImplementation {
  GetAppliance: grpc.handleUnaryCall<_nephele_v1_GetApplianceRequest__Output, _nephele_v1_GetApplianceResponse>;
  
  GetMonitorPolicy: grpc.handleUnaryCall<_nephele_v1_GetMonitorPolicyRequest__Output, _nephele_v1_GetMonitorPolicyResponse>;
  
  GetSubscription: grpc.handleUnaryCall<_nephele_v1_GetSubscriptionRequest__Output, _nephele_v1_GetSubscriptionResponse>;
  
  ListAppliances: grpc.handleUnaryCall<_nephele_v1_ListAppliancesRequest__Output, _nephele_v1_ListAppliancesResponse>;
  
  ListControlActions: grpc.handleUnaryCall<_nephele_v1_ListControlActionsRequest__Output, _nephele_v1_ListControlActionsResponse>;
  
  PollAppliance: grpc.handleUnaryCall<_nephele_v1_PollApplianceRequest__Output, _nephele_v1_PollApplianceResponse>;
  
  SetMonitorPolicy: grpc.handleUnaryCall<_nephele_v1_SetMonitorPolicyRequest__Output, _nephele_v1_SetMonitorPolicyResponse>;
  
  SetSubscription: grpc.handleUnaryCall<_nephele_v1_SetSubscriptionRequest__Output, _nephele_v1_SetSubscriptionResponse>;
  
  TakeControlAction: grpc.handleUnaryCall<_nephele_v1_TakeControlActionRequest__Output, _nephele_v1_TakeControlActionResponse>;
  
}

export interface MonitorServiceDefinition extends grpc.ServiceDefinition {
  GetAppliance: MethodDefinition<_nephele_v1_GetApplianceRequest, _nephele_v1_GetApplianceResponse, _nephele_v1_GetApplianceRequest__Output, _nephele_v1_GetApplianceResponse__Output>
  GetMonitorPolicy: MethodDefinition<_nephele_v1_GetMonitorPolicyRequest, _nephele_v1_GetMonitorPolicyResponse, _nephele_v1_GetMonitorPolicyRequest__Output, _nephele_v1_GetMonitorPolicyResponse__Output>
  GetSubscription: MethodDefinition<_nephele_v1_GetSubscriptionRequest, _nephele_v1_GetSubscriptionResponse, _nephele_v1_GetSubscriptionRequest__Output, _nephele_v1_GetSubscriptionResponse__Output>
  ListAppliances: MethodDefinition<_nephele_v1_ListAppliancesRequest, _nephele_v1_ListAppliancesResponse, _nephele_v1_ListAppliancesRequest__Output, _nephele_v1_ListAppliancesResponse__Output>
  ListControlActions: MethodDefinition<_nephele_v1_ListControlActionsRequest, _nephele_v1_ListControlActionsResponse, _nephele_v1_ListControlActionsRequest__Output, _nephele_v1_ListControlActionsResponse__Output>
  PollAppliance: MethodDefinition<_nephele_v1_PollApplianceRequest, _nephele_v1_PollApplianceResponse, _nephele_v1_PollApplianceRequest__Output, _nephele_v1_PollApplianceResponse__Output>
  SetMonitorPolicy: MethodDefinition<_nephele_v1_SetMonitorPolicyRequest, _nephele_v1_SetMonitorPolicyResponse, _nephele_v1_SetMonitorPolicyRequest__Output, _nephele_v1_SetMonitorPolicyResponse__Output>
  SetSubscription: MethodDefinition<_nephele_v1_SetSubscriptionRequest, _nephele_v1_SetSubscriptionResponse, _nephele_v1_SetSubscriptionRequest__Output, _nephele_v1_SetSubscriptionResponse__Output>
  TakeControlAction: MethodDefinition<_nephele_v1_TakeControlActionRequest, _nephele_v1_TakeControlActionResponse, _nephele_v1_TakeControlActionRequest__Output, _nephele_v1_TakeControlActionResponse__Output>
}
