// Original file: proto/nephele/v1/auth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateTokenRequest as _nephele_v1_CreateTokenRequest, CreateTokenRequest__Output as _nephele_v1_CreateTokenRequest__Output } from '../../nephele/v1/CreateTokenRequest.js';
import type { CreateTokenResponse as _nephele_v1_CreateTokenResponse, CreateTokenResponse__Output as _nephele_v1_CreateTokenResponse__Output } from '../../nephele/v1/CreateTokenResponse.js';
import type { ListTokensRequest as _nephele_v1_ListTokensRequest, ListTokensRequest__Output as _nephele_v1_ListTokensRequest__Output } from '../../nephele/v1/ListTokensRequest.js';
import type { ListTokensResponse as _nephele_v1_ListTokensResponse, ListTokensResponse__Output as _nephele_v1_ListTokensResponse__Output } from '../../nephele/v1/ListTokensResponse.js';
import type { RevokeTokenRequest as _nephele_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _nephele_v1_RevokeTokenRequest__Output } from '../../nephele/v1/RevokeTokenRequest.js';
import type { RevokeTokenResponse as _nephele_v1_RevokeTokenResponse, RevokeTokenResponse__Output as _nephele_v1_RevokeTokenResponse__Output } from '../../nephele/v1/RevokeTokenResponse.js';

export interface AuthServiceClient extends grpc.Client {
  CreateToken(argument: _nephele_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _nephele_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _nephele_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _nephele_v1_CreateTokenRequest, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _nephele_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _nephele_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _nephele_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _nephele_v1_CreateTokenRequest, callback: grpc.requestCallback<_nephele_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  
  ListTokens(argument: _nephele_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _nephele_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _nephele_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _nephele_v1_ListTokensRequest, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _nephele_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _nephele_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _nephele_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _nephele_v1_ListTokensRequest, callback: grpc.requestCallback<_nephele_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  
  RevokeToken(argument: _nephele_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _nephele_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _nephele_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _nephele_v1_RevokeTokenRequest, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _nephele_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _nephele_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _nephele_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _nephele_v1_RevokeTokenRequest, callback: grpc.requestCallback<_nephele_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AuthServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateToken: grpc.handleUnaryCall<_nephele_v1_CreateTokenRequest__Output, _nephele_v1_CreateTokenResponse>;
  
  ListTokens: grpc.handleUnaryCall<_nephele_v1_ListTokensRequest__Output, _nephele_v1_ListTokensResponse>;
  
  RevokeToken: grpc.handleUnaryCall<_nephele_v1_RevokeTokenRequest__Output, _nephele_v1_RevokeTokenResponse>;
  
}

export interface AuthServiceDefinition extends grpc.ServiceDefinition {
  CreateToken: MethodDefinition<_nephele_v1_CreateTokenRequest, _nephele_v1_CreateTokenResponse, _nephele_v1_CreateTokenRequest__Output, _nephele_v1_CreateTokenResponse__Output>
  ListTokens: MethodDefinition<_nephele_v1_ListTokensRequest, _nephele_v1_ListTokensResponse, _nephele_v1_ListTokensRequest__Output, _nephele_v1_ListTokensResponse__Output>
  RevokeToken: MethodDefinition<_nephele_v1_RevokeTokenRequest, _nephele_v1_RevokeTokenResponse, _nephele_v1_RevokeTokenRequest__Output, _nephele_v1_RevokeTokenResponse__Output>
}
