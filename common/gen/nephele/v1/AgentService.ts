// Original file: proto/nephele/v1/agent.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AgentMessage as _nephele_v1_AgentMessage, AgentMessage__Output as _nephele_v1_AgentMessage__Output } from '../../nephele/v1/AgentMessage.js';
import type { ControllerMessage as _nephele_v1_ControllerMessage, ControllerMessage__Output as _nephele_v1_ControllerMessage__Output } from '../../nephele/v1/ControllerMessage.js';
import type { EnrollRequest as _nephele_v1_EnrollRequest, EnrollRequest__Output as _nephele_v1_EnrollRequest__Output } from '../../nephele/v1/EnrollRequest.js';
import type { EnrollResponse as _nephele_v1_EnrollResponse, EnrollResponse__Output as _nephele_v1_EnrollResponse__Output } from '../../nephele/v1/EnrollResponse.js';

export interface AgentServiceClient extends grpc.Client {
  Enroll(argument: _nephele_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _nephele_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _nephele_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _nephele_v1_EnrollRequest, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _nephele_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _nephele_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _nephele_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _nephele_v1_EnrollRequest, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  
  Session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_nephele_v1_AgentMessage, _nephele_v1_ControllerMessage__Output>;
  Session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_nephele_v1_AgentMessage, _nephele_v1_ControllerMessage__Output>;
  session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_nephele_v1_AgentMessage, _nephele_v1_ControllerMessage__Output>;
  session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_nephele_v1_AgentMessage, _nephele_v1_ControllerMessage__Output>;
  
}

export interface AgentServiceHandlers extends grpc.UntypedServiceImplementation {
  Enroll: grpc.handleUnaryCall<_nephele_v1_EnrollRequest__Output, _nephele_v1_EnrollResponse>;
  
  Session: grpc.handleBidiStreamingCall<_nephele_v1_AgentMessage__Output, _nephele_v1_ControllerMessage>;
  
}

export interface AgentServiceDefinition extends grpc.ServiceDefinition {
  Enroll: MethodDefinition<_nephele_v1_EnrollRequest, _nephele_v1_EnrollResponse, _nephele_v1_EnrollRequest__Output, _nephele_v1_EnrollResponse__Output>
  Session: MethodDefinition<_nephele_v1_AgentMessage, _nephele_v1_ControllerMessage, _nephele_v1_AgentMessage__Output, _nephele_v1_ControllerMessage__Output>
}
