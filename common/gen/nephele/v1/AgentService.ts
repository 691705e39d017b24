// Original file: proto/nephele/v1/agent.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AgentMessage as _nephele_v1_AgentMessage, AgentMessage__Output as _nephele_v1_AgentMessage__Output } from '../../nephele/v1/AgentMessage.js';
import type { ConsoleChunk as _nephele_v1_ConsoleChunk, ConsoleChunk__Output as _nephele_v1_ConsoleChunk__Output } from '../../nephele/v1/ConsoleChunk.js';
import type { ControllerMessage as _nephele_v1_ControllerMessage, ControllerMessage__Output as _nephele_v1_ControllerMessage__Output } from '../../nephele/v1/ControllerMessage.js';
import type { DiskChunk as _nephele_v1_DiskChunk, DiskChunk__Output as _nephele_v1_DiskChunk__Output } from '../../nephele/v1/DiskChunk.js';
import type { EnrollRequest as _nephele_v1_EnrollRequest, EnrollRequest__Output as _nephele_v1_EnrollRequest__Output } from '../../nephele/v1/EnrollRequest.js';
import type { EnrollResponse as _nephele_v1_EnrollResponse, EnrollResponse__Output as _nephele_v1_EnrollResponse__Output } from '../../nephele/v1/EnrollResponse.js';
import type { FetchImageRequest as _nephele_v1_FetchImageRequest, FetchImageRequest__Output as _nephele_v1_FetchImageRequest__Output } from '../../nephele/v1/FetchImageRequest.js';
import type { GetDiskRequest as _nephele_v1_GetDiskRequest, GetDiskRequest__Output as _nephele_v1_GetDiskRequest__Output } from '../../nephele/v1/GetDiskRequest.js';
import type { PutConsoleResponse as _nephele_v1_PutConsoleResponse, PutConsoleResponse__Output as _nephele_v1_PutConsoleResponse__Output } from '../../nephele/v1/PutConsoleResponse.js';
import type { PutDiskResponse as _nephele_v1_PutDiskResponse, PutDiskResponse__Output as _nephele_v1_PutDiskResponse__Output } from '../../nephele/v1/PutDiskResponse.js';
import type { PutImageResponse as _nephele_v1_PutImageResponse, PutImageResponse__Output as _nephele_v1_PutImageResponse__Output } from '../../nephele/v1/PutImageResponse.js';

export interface AgentServiceClient extends grpc.Client {
  Enroll(argument: _nephele_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _nephele_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _nephele_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _nephele_v1_EnrollRequest, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _nephele_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _nephele_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _nephele_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _nephele_v1_EnrollRequest, callback: grpc.requestCallback<_nephele_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  
  FetchImage(argument: _nephele_v1_FetchImageRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  FetchImage(argument: _nephele_v1_FetchImageRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  fetchImage(argument: _nephele_v1_FetchImageRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  fetchImage(argument: _nephele_v1_FetchImageRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  
  GetDisk(argument: _nephele_v1_GetDiskRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  GetDisk(argument: _nephele_v1_GetDiskRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  getDisk(argument: _nephele_v1_GetDiskRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  getDisk(argument: _nephele_v1_GetDiskRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_DiskChunk__Output>;
  
  PutConsole(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutConsoleResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ConsoleChunk>;
  PutConsole(metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PutConsoleResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ConsoleChunk>;
  PutConsole(options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutConsoleResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ConsoleChunk>;
  PutConsole(callback: grpc.requestCallback<_nephele_v1_PutConsoleResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ConsoleChunk>;
  putConsole(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutConsoleResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ConsoleChunk>;
  putConsole(metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PutConsoleResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ConsoleChunk>;
  putConsole(options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutConsoleResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ConsoleChunk>;
  putConsole(callback: grpc.requestCallback<_nephele_v1_PutConsoleResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ConsoleChunk>;
  
  PutDisk(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutDiskResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  PutDisk(metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PutDiskResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  PutDisk(options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutDiskResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  PutDisk(callback: grpc.requestCallback<_nephele_v1_PutDiskResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  putDisk(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutDiskResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  putDisk(metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PutDiskResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  putDisk(options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutDiskResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  putDisk(callback: grpc.requestCallback<_nephele_v1_PutDiskResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  
  PutImage(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  PutImage(metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PutImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  PutImage(options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  PutImage(callback: grpc.requestCallback<_nephele_v1_PutImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  putImage(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  putImage(metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PutImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  putImage(options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PutImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  putImage(callback: grpc.requestCallback<_nephele_v1_PutImageResponse__Output>): grpc.ClientWritableStream<_nephele_v1_DiskChunk>;
  
  Session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_nephele_v1_AgentMessage, _nephele_v1_ControllerMessage__Output>;
  Session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_nephele_v1_AgentMessage, _nephele_v1_ControllerMessage__Output>;
  session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_nephele_v1_AgentMessage, _nephele_v1_ControllerMessage__Output>;
  session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_nephele_v1_AgentMessage, _nephele_v1_ControllerMessage__Output>;
  
}

export interface AgentServiceHandlers extends grpc.UntypedServiceImplementation {
  Enroll: grpc.handleUnaryCall<_nephele_v1_EnrollRequest__Output, _nephele_v1_EnrollResponse>;
  
  FetchImage: grpc.handleServerStreamingCall<_nephele_v1_FetchImageRequest__Output, _nephele_v1_DiskChunk>;
  
  GetDisk: grpc.handleServerStreamingCall<_nephele_v1_GetDiskRequest__Output, _nephele_v1_DiskChunk>;
  
  PutConsole: grpc.handleClientStreamingCall<_nephele_v1_ConsoleChunk__Output, _nephele_v1_PutConsoleResponse>;
  
  PutDisk: grpc.handleClientStreamingCall<_nephele_v1_DiskChunk__Output, _nephele_v1_PutDiskResponse>;
  
  PutImage: grpc.handleClientStreamingCall<_nephele_v1_DiskChunk__Output, _nephele_v1_PutImageResponse>;
  
  Session: grpc.handleBidiStreamingCall<_nephele_v1_AgentMessage__Output, _nephele_v1_ControllerMessage>;
  
}

export interface AgentServiceDefinition extends grpc.ServiceDefinition {
  Enroll: MethodDefinition<_nephele_v1_EnrollRequest, _nephele_v1_EnrollResponse, _nephele_v1_EnrollRequest__Output, _nephele_v1_EnrollResponse__Output>
  FetchImage: MethodDefinition<_nephele_v1_FetchImageRequest, _nephele_v1_DiskChunk, _nephele_v1_FetchImageRequest__Output, _nephele_v1_DiskChunk__Output>
  GetDisk: MethodDefinition<_nephele_v1_GetDiskRequest, _nephele_v1_DiskChunk, _nephele_v1_GetDiskRequest__Output, _nephele_v1_DiskChunk__Output>
  PutConsole: MethodDefinition<_nephele_v1_ConsoleChunk, _nephele_v1_PutConsoleResponse, _nephele_v1_ConsoleChunk__Output, _nephele_v1_PutConsoleResponse__Output>
  PutDisk: MethodDefinition<_nephele_v1_DiskChunk, _nephele_v1_PutDiskResponse, _nephele_v1_DiskChunk__Output, _nephele_v1_PutDiskResponse__Output>
  PutImage: MethodDefinition<_nephele_v1_DiskChunk, _nephele_v1_PutImageResponse, _nephele_v1_DiskChunk__Output, _nephele_v1_PutImageResponse__Output>
  Session: MethodDefinition<_nephele_v1_AgentMessage, _nephele_v1_ControllerMessage, _nephele_v1_AgentMessage__Output, _nephele_v1_ControllerMessage__Output>
}
