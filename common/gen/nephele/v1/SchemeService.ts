// Original file: proto/nephele/v1/scheme.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BusMessage as _nephele_v1_BusMessage, BusMessage__Output as _nephele_v1_BusMessage__Output } from '../../nephele/v1/BusMessage.js';
import type { ControlVmNativeRequest as _nephele_v1_ControlVmNativeRequest, ControlVmNativeRequest__Output as _nephele_v1_ControlVmNativeRequest__Output } from '../../nephele/v1/ControlVmNativeRequest.js';
import type { ControlVmNativeResponse as _nephele_v1_ControlVmNativeResponse, ControlVmNativeResponse__Output as _nephele_v1_ControlVmNativeResponse__Output } from '../../nephele/v1/ControlVmNativeResponse.js';
import type { ConvertDefinitionRequest as _nephele_v1_ConvertDefinitionRequest, ConvertDefinitionRequest__Output as _nephele_v1_ConvertDefinitionRequest__Output } from '../../nephele/v1/ConvertDefinitionRequest.js';
import type { ConvertDefinitionResponse as _nephele_v1_ConvertDefinitionResponse, ConvertDefinitionResponse__Output as _nephele_v1_ConvertDefinitionResponse__Output } from '../../nephele/v1/ConvertDefinitionResponse.js';
import type { ExportVmChunk as _nephele_v1_ExportVmChunk, ExportVmChunk__Output as _nephele_v1_ExportVmChunk__Output } from '../../nephele/v1/ExportVmChunk.js';
import type { ExportVmRequest as _nephele_v1_ExportVmRequest, ExportVmRequest__Output as _nephele_v1_ExportVmRequest__Output } from '../../nephele/v1/ExportVmRequest.js';
import type { ImportVmChunk as _nephele_v1_ImportVmChunk, ImportVmChunk__Output as _nephele_v1_ImportVmChunk__Output } from '../../nephele/v1/ImportVmChunk.js';
import type { ImportVmResponse as _nephele_v1_ImportVmResponse, ImportVmResponse__Output as _nephele_v1_ImportVmResponse__Output } from '../../nephele/v1/ImportVmResponse.js';
import type { ListSchemesRequest as _nephele_v1_ListSchemesRequest, ListSchemesRequest__Output as _nephele_v1_ListSchemesRequest__Output } from '../../nephele/v1/ListSchemesRequest.js';
import type { ListSchemesResponse as _nephele_v1_ListSchemesResponse, ListSchemesResponse__Output as _nephele_v1_ListSchemesResponse__Output } from '../../nephele/v1/ListSchemesResponse.js';
import type { ListTopicsRequest as _nephele_v1_ListTopicsRequest, ListTopicsRequest__Output as _nephele_v1_ListTopicsRequest__Output } from '../../nephele/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _nephele_v1_ListTopicsResponse, ListTopicsResponse__Output as _nephele_v1_ListTopicsResponse__Output } from '../../nephele/v1/ListTopicsResponse.js';
import type { MigrateAcrossSchemesRequest as _nephele_v1_MigrateAcrossSchemesRequest, MigrateAcrossSchemesRequest__Output as _nephele_v1_MigrateAcrossSchemesRequest__Output } from '../../nephele/v1/MigrateAcrossSchemesRequest.js';
import type { MigrateAcrossSchemesResponse as _nephele_v1_MigrateAcrossSchemesResponse, MigrateAcrossSchemesResponse__Output as _nephele_v1_MigrateAcrossSchemesResponse__Output } from '../../nephele/v1/MigrateAcrossSchemesResponse.js';
import type { PublishRequest as _nephele_v1_PublishRequest, PublishRequest__Output as _nephele_v1_PublishRequest__Output } from '../../nephele/v1/PublishRequest.js';
import type { PublishResponse as _nephele_v1_PublishResponse, PublishResponse__Output as _nephele_v1_PublishResponse__Output } from '../../nephele/v1/PublishResponse.js';
import type { SubscribeRequest as _nephele_v1_SubscribeRequest, SubscribeRequest__Output as _nephele_v1_SubscribeRequest__Output } from '../../nephele/v1/SubscribeRequest.js';

export interface SchemeServiceClient extends grpc.Client {
  ControlVmNative(argument: _nephele_v1_ControlVmNativeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ControlVmNativeResponse__Output>): grpc.ClientUnaryCall;
  ControlVmNative(argument: _nephele_v1_ControlVmNativeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ControlVmNativeResponse__Output>): grpc.ClientUnaryCall;
  ControlVmNative(argument: _nephele_v1_ControlVmNativeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ControlVmNativeResponse__Output>): grpc.ClientUnaryCall;
  ControlVmNative(argument: _nephele_v1_ControlVmNativeRequest, callback: grpc.requestCallback<_nephele_v1_ControlVmNativeResponse__Output>): grpc.ClientUnaryCall;
  controlVmNative(argument: _nephele_v1_ControlVmNativeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ControlVmNativeResponse__Output>): grpc.ClientUnaryCall;
  controlVmNative(argument: _nephele_v1_ControlVmNativeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ControlVmNativeResponse__Output>): grpc.ClientUnaryCall;
  controlVmNative(argument: _nephele_v1_ControlVmNativeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ControlVmNativeResponse__Output>): grpc.ClientUnaryCall;
  controlVmNative(argument: _nephele_v1_ControlVmNativeRequest, callback: grpc.requestCallback<_nephele_v1_ControlVmNativeResponse__Output>): grpc.ClientUnaryCall;
  
  ConvertDefinition(argument: _nephele_v1_ConvertDefinitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ConvertDefinitionResponse__Output>): grpc.ClientUnaryCall;
  ConvertDefinition(argument: _nephele_v1_ConvertDefinitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ConvertDefinitionResponse__Output>): grpc.ClientUnaryCall;
  ConvertDefinition(argument: _nephele_v1_ConvertDefinitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ConvertDefinitionResponse__Output>): grpc.ClientUnaryCall;
  ConvertDefinition(argument: _nephele_v1_ConvertDefinitionRequest, callback: grpc.requestCallback<_nephele_v1_ConvertDefinitionResponse__Output>): grpc.ClientUnaryCall;
  convertDefinition(argument: _nephele_v1_ConvertDefinitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ConvertDefinitionResponse__Output>): grpc.ClientUnaryCall;
  convertDefinition(argument: _nephele_v1_ConvertDefinitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ConvertDefinitionResponse__Output>): grpc.ClientUnaryCall;
  convertDefinition(argument: _nephele_v1_ConvertDefinitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ConvertDefinitionResponse__Output>): grpc.ClientUnaryCall;
  convertDefinition(argument: _nephele_v1_ConvertDefinitionRequest, callback: grpc.requestCallback<_nephele_v1_ConvertDefinitionResponse__Output>): grpc.ClientUnaryCall;
  
  ExportVm(argument: _nephele_v1_ExportVmRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ExportVmChunk__Output>;
  ExportVm(argument: _nephele_v1_ExportVmRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ExportVmChunk__Output>;
  exportVm(argument: _nephele_v1_ExportVmRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ExportVmChunk__Output>;
  exportVm(argument: _nephele_v1_ExportVmRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_ExportVmChunk__Output>;
  
  ImportVm(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ImportVmResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ImportVmChunk>;
  ImportVm(metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ImportVmResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ImportVmChunk>;
  ImportVm(options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ImportVmResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ImportVmChunk>;
  ImportVm(callback: grpc.requestCallback<_nephele_v1_ImportVmResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ImportVmChunk>;
  importVm(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ImportVmResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ImportVmChunk>;
  importVm(metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ImportVmResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ImportVmChunk>;
  importVm(options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ImportVmResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ImportVmChunk>;
  importVm(callback: grpc.requestCallback<_nephele_v1_ImportVmResponse__Output>): grpc.ClientWritableStream<_nephele_v1_ImportVmChunk>;
  
  ListSchemes(argument: _nephele_v1_ListSchemesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListSchemesResponse__Output>): grpc.ClientUnaryCall;
  ListSchemes(argument: _nephele_v1_ListSchemesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListSchemesResponse__Output>): grpc.ClientUnaryCall;
  ListSchemes(argument: _nephele_v1_ListSchemesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListSchemesResponse__Output>): grpc.ClientUnaryCall;
  ListSchemes(argument: _nephele_v1_ListSchemesRequest, callback: grpc.requestCallback<_nephele_v1_ListSchemesResponse__Output>): grpc.ClientUnaryCall;
  listSchemes(argument: _nephele_v1_ListSchemesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListSchemesResponse__Output>): grpc.ClientUnaryCall;
  listSchemes(argument: _nephele_v1_ListSchemesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListSchemesResponse__Output>): grpc.ClientUnaryCall;
  listSchemes(argument: _nephele_v1_ListSchemesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListSchemesResponse__Output>): grpc.ClientUnaryCall;
  listSchemes(argument: _nephele_v1_ListSchemesRequest, callback: grpc.requestCallback<_nephele_v1_ListSchemesResponse__Output>): grpc.ClientUnaryCall;
  
  ListTopics(argument: _nephele_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _nephele_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _nephele_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _nephele_v1_ListTopicsRequest, callback: grpc.requestCallback<_nephele_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _nephele_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _nephele_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _nephele_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _nephele_v1_ListTopicsRequest, callback: grpc.requestCallback<_nephele_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  MigrateAcrossSchemes(argument: _nephele_v1_MigrateAcrossSchemesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_MigrateAcrossSchemesResponse__Output>): grpc.ClientUnaryCall;
  MigrateAcrossSchemes(argument: _nephele_v1_MigrateAcrossSchemesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_MigrateAcrossSchemesResponse__Output>): grpc.ClientUnaryCall;
  MigrateAcrossSchemes(argument: _nephele_v1_MigrateAcrossSchemesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_MigrateAcrossSchemesResponse__Output>): grpc.ClientUnaryCall;
  MigrateAcrossSchemes(argument: _nephele_v1_MigrateAcrossSchemesRequest, callback: grpc.requestCallback<_nephele_v1_MigrateAcrossSchemesResponse__Output>): grpc.ClientUnaryCall;
  migrateAcrossSchemes(argument: _nephele_v1_MigrateAcrossSchemesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_MigrateAcrossSchemesResponse__Output>): grpc.ClientUnaryCall;
  migrateAcrossSchemes(argument: _nephele_v1_MigrateAcrossSchemesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_MigrateAcrossSchemesResponse__Output>): grpc.ClientUnaryCall;
  migrateAcrossSchemes(argument: _nephele_v1_MigrateAcrossSchemesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_MigrateAcrossSchemesResponse__Output>): grpc.ClientUnaryCall;
  migrateAcrossSchemes(argument: _nephele_v1_MigrateAcrossSchemesRequest, callback: grpc.requestCallback<_nephele_v1_MigrateAcrossSchemesResponse__Output>): grpc.ClientUnaryCall;
  
  Publish(argument: _nephele_v1_PublishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _nephele_v1_PublishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _nephele_v1_PublishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  Publish(argument: _nephele_v1_PublishRequest, callback: grpc.requestCallback<_nephele_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _nephele_v1_PublishRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _nephele_v1_PublishRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _nephele_v1_PublishRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  publish(argument: _nephele_v1_PublishRequest, callback: grpc.requestCallback<_nephele_v1_PublishResponse__Output>): grpc.ClientUnaryCall;
  
  Subscribe(argument: _nephele_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_BusMessage__Output>;
  Subscribe(argument: _nephele_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_BusMessage__Output>;
  subscribe(argument: _nephele_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_BusMessage__Output>;
  subscribe(argument: _nephele_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_BusMessage__Output>;
  
}

export interface SchemeServiceHandlers extends grpc.UntypedServiceImplementation {
  ControlVmNative: grpc.handleUnaryCall<_nephele_v1_ControlVmNativeRequest__Output, _nephele_v1_ControlVmNativeResponse>;
  
  ConvertDefinition: grpc.handleUnaryCall<_nephele_v1_ConvertDefinitionRequest__Output, _nephele_v1_ConvertDefinitionResponse>;
  
  ExportVm: grpc.handleServerStreamingCall<_nephele_v1_ExportVmRequest__Output, _nephele_v1_ExportVmChunk>;
  
  ImportVm: grpc.handleClientStreamingCall<_nephele_v1_ImportVmChunk__Output, _nephele_v1_ImportVmResponse>;
  
  ListSchemes: grpc.handleUnaryCall<_nephele_v1_ListSchemesRequest__Output, _nephele_v1_ListSchemesResponse>;
  
  ListTopics: grpc.handleUnaryCall<_nephele_v1_ListTopicsRequest__Output, _nephele_v1_ListTopicsResponse>;
  
  MigrateAcrossSchemes: grpc.handleUnaryCall<_nephele_v1_MigrateAcrossSchemesRequest__Output, _nephele_v1_MigrateAcrossSchemesResponse>;
  
  Publish: grpc.handleUnaryCall<_nephele_v1_PublishRequest__Output, _nephele_v1_PublishResponse>;
  
  Subscribe: grpc.handleServerStreamingCall<_nephele_v1_SubscribeRequest__Output, _nephele_v1_BusMessage>;
  
}

export interface SchemeServiceDefinition extends grpc.ServiceDefinition {
  ControlVmNative: MethodDefinition<_nephele_v1_ControlVmNativeRequest, _nephele_v1_ControlVmNativeResponse, _nephele_v1_ControlVmNativeRequest__Output, _nephele_v1_ControlVmNativeResponse__Output>
  ConvertDefinition: MethodDefinition<_nephele_v1_ConvertDefinitionRequest, _nephele_v1_ConvertDefinitionResponse, _nephele_v1_ConvertDefinitionRequest__Output, _nephele_v1_ConvertDefinitionResponse__Output>
  ExportVm: MethodDefinition<_nephele_v1_ExportVmRequest, _nephele_v1_ExportVmChunk, _nephele_v1_ExportVmRequest__Output, _nephele_v1_ExportVmChunk__Output>
  ImportVm: MethodDefinition<_nephele_v1_ImportVmChunk, _nephele_v1_ImportVmResponse, _nephele_v1_ImportVmChunk__Output, _nephele_v1_ImportVmResponse__Output>
  ListSchemes: MethodDefinition<_nephele_v1_ListSchemesRequest, _nephele_v1_ListSchemesResponse, _nephele_v1_ListSchemesRequest__Output, _nephele_v1_ListSchemesResponse__Output>
  ListTopics: MethodDefinition<_nephele_v1_ListTopicsRequest, _nephele_v1_ListTopicsResponse, _nephele_v1_ListTopicsRequest__Output, _nephele_v1_ListTopicsResponse__Output>
  MigrateAcrossSchemes: MethodDefinition<_nephele_v1_MigrateAcrossSchemesRequest, _nephele_v1_MigrateAcrossSchemesResponse, _nephele_v1_MigrateAcrossSchemesRequest__Output, _nephele_v1_MigrateAcrossSchemesResponse__Output>
  Publish: MethodDefinition<_nephele_v1_PublishRequest, _nephele_v1_PublishResponse, _nephele_v1_PublishRequest__Output, _nephele_v1_PublishResponse__Output>
  Subscribe: MethodDefinition<_nephele_v1_SubscribeRequest, _nephele_v1_BusMessage, _nephele_v1_SubscribeRequest__Output, _nephele_v1_BusMessage__Output>
}
