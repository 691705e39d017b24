// Original file: proto/nephele/v1/event.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Event as _nephele_v1_Event, Event__Output as _nephele_v1_Event__Output } from '../../nephele/v1/Event.js';
import type { ListEventsRequest as _nephele_v1_ListEventsRequest, ListEventsRequest__Output as _nephele_v1_ListEventsRequest__Output } from '../../nephele/v1/ListEventsRequest.js';
import type { ListEventsResponse as _nephele_v1_ListEventsResponse, ListEventsResponse__Output as _nephele_v1_ListEventsResponse__Output } from '../../nephele/v1/ListEventsResponse.js';
import type { WatchEventsRequest as _nephele_v1_WatchEventsRequest, WatchEventsRequest__Output as _nephele_v1_WatchEventsRequest__Output } from '../../nephele/v1/WatchEventsRequest.js';

export interface EventServiceClient extends grpc.Client {
  ListEvents(argument: _nephele_v1_ListEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _nephele_v1_ListEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _nephele_v1_ListEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _nephele_v1_ListEventsRequest, callback: grpc.requestCallback<_nephele_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _nephele_v1_ListEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _nephele_v1_ListEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _nephele_v1_ListEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _nephele_v1_ListEventsRequest, callback: grpc.requestCallback<_nephele_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  
  WatchEvents(argument: _nephele_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_Event__Output>;
  WatchEvents(argument: _nephele_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_Event__Output>;
  watchEvents(argument: _nephele_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_Event__Output>;
  watchEvents(argument: _nephele_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_nephele_v1_Event__Output>;
  
}

export interface EventServiceHandlers extends grpc.UntypedServiceImplementation {
  ListEvents: grpc.handleUnaryCall<_nephele_v1_ListEventsRequest__Output, _nephele_v1_ListEventsResponse>;
  
  WatchEvents: grpc.handleServerStreamingCall<_nephele_v1_WatchEventsRequest__Output, _nephele_v1_Event>;
  
}

export interface EventServiceDefinition extends grpc.ServiceDefinition {
  ListEvents: MethodDefinition<_nephele_v1_ListEventsRequest, _nephele_v1_ListEventsResponse, _nephele_v1_ListEventsRequest__Output, _nephele_v1_ListEventsResponse__Output>
  WatchEvents: MethodDefinition<_nephele_v1_WatchEventsRequest, _nephele_v1_Event, _nephele_v1_WatchEventsRequest__Output, _nephele_v1_Event__Output>
}
