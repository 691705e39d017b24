// Original file: proto/nephele/v1/reclass.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AnalyzeRequest as _nephele_v1_AnalyzeRequest, AnalyzeRequest__Output as _nephele_v1_AnalyzeRequest__Output } from '../../nephele/v1/AnalyzeRequest.js';
import type { AnalyzeResponse as _nephele_v1_AnalyzeResponse, AnalyzeResponse__Output as _nephele_v1_AnalyzeResponse__Output } from '../../nephele/v1/AnalyzeResponse.js';
import type { ApplyRecommendationRequest as _nephele_v1_ApplyRecommendationRequest, ApplyRecommendationRequest__Output as _nephele_v1_ApplyRecommendationRequest__Output } from '../../nephele/v1/ApplyRecommendationRequest.js';
import type { ApplyRecommendationResponse as _nephele_v1_ApplyRecommendationResponse, ApplyRecommendationResponse__Output as _nephele_v1_ApplyRecommendationResponse__Output } from '../../nephele/v1/ApplyRecommendationResponse.js';
import type { DefineClassRequest as _nephele_v1_DefineClassRequest, DefineClassRequest__Output as _nephele_v1_DefineClassRequest__Output } from '../../nephele/v1/DefineClassRequest.js';
import type { DefineClassResponse as _nephele_v1_DefineClassResponse, DefineClassResponse__Output as _nephele_v1_DefineClassResponse__Output } from '../../nephele/v1/DefineClassResponse.js';
import type { DeleteClassRequest as _nephele_v1_DeleteClassRequest, DeleteClassRequest__Output as _nephele_v1_DeleteClassRequest__Output } from '../../nephele/v1/DeleteClassRequest.js';
import type { DeleteClassResponse as _nephele_v1_DeleteClassResponse, DeleteClassResponse__Output as _nephele_v1_DeleteClassResponse__Output } from '../../nephele/v1/DeleteClassResponse.js';
import type { GetReclassPolicyRequest as _nephele_v1_GetReclassPolicyRequest, GetReclassPolicyRequest__Output as _nephele_v1_GetReclassPolicyRequest__Output } from '../../nephele/v1/GetReclassPolicyRequest.js';
import type { GetReclassPolicyResponse as _nephele_v1_GetReclassPolicyResponse, GetReclassPolicyResponse__Output as _nephele_v1_GetReclassPolicyResponse__Output } from '../../nephele/v1/GetReclassPolicyResponse.js';
import type { GetRecommendationRequest as _nephele_v1_GetRecommendationRequest, GetRecommendationRequest__Output as _nephele_v1_GetRecommendationRequest__Output } from '../../nephele/v1/GetRecommendationRequest.js';
import type { GetRecommendationResponse as _nephele_v1_GetRecommendationResponse, GetRecommendationResponse__Output as _nephele_v1_GetRecommendationResponse__Output } from '../../nephele/v1/GetRecommendationResponse.js';
import type { ListClassesRequest as _nephele_v1_ListClassesRequest, ListClassesRequest__Output as _nephele_v1_ListClassesRequest__Output } from '../../nephele/v1/ListClassesRequest.js';
import type { ListClassesResponse as _nephele_v1_ListClassesResponse, ListClassesResponse__Output as _nephele_v1_ListClassesResponse__Output } from '../../nephele/v1/ListClassesResponse.js';
import type { ListRecommendationsRequest as _nephele_v1_ListRecommendationsRequest, ListRecommendationsRequest__Output as _nephele_v1_ListRecommendationsRequest__Output } from '../../nephele/v1/ListRecommendationsRequest.js';
import type { ListRecommendationsResponse as _nephele_v1_ListRecommendationsResponse, ListRecommendationsResponse__Output as _nephele_v1_ListRecommendationsResponse__Output } from '../../nephele/v1/ListRecommendationsResponse.js';
import type { OfferTargetsRequest as _nephele_v1_OfferTargetsRequest, OfferTargetsRequest__Output as _nephele_v1_OfferTargetsRequest__Output } from '../../nephele/v1/OfferTargetsRequest.js';
import type { OfferTargetsResponse as _nephele_v1_OfferTargetsResponse, OfferTargetsResponse__Output as _nephele_v1_OfferTargetsResponse__Output } from '../../nephele/v1/OfferTargetsResponse.js';
import type { RecommendRequest as _nephele_v1_RecommendRequest, RecommendRequest__Output as _nephele_v1_RecommendRequest__Output } from '../../nephele/v1/RecommendRequest.js';
import type { RecommendResponse as _nephele_v1_RecommendResponse, RecommendResponse__Output as _nephele_v1_RecommendResponse__Output } from '../../nephele/v1/RecommendResponse.js';
import type { SetReclassPolicyRequest as _nephele_v1_SetReclassPolicyRequest, SetReclassPolicyRequest__Output as _nephele_v1_SetReclassPolicyRequest__Output } from '../../nephele/v1/SetReclassPolicyRequest.js';
import type { SetReclassPolicyResponse as _nephele_v1_SetReclassPolicyResponse, SetReclassPolicyResponse__Output as _nephele_v1_SetReclassPolicyResponse__Output } from '../../nephele/v1/SetReclassPolicyResponse.js';

export interface ReclassServiceClient extends grpc.Client {
  Analyze(argument: _nephele_v1_AnalyzeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  Analyze(argument: _nephele_v1_AnalyzeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  Analyze(argument: _nephele_v1_AnalyzeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  Analyze(argument: _nephele_v1_AnalyzeRequest, callback: grpc.requestCallback<_nephele_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  analyze(argument: _nephele_v1_AnalyzeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  analyze(argument: _nephele_v1_AnalyzeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  analyze(argument: _nephele_v1_AnalyzeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  analyze(argument: _nephele_v1_AnalyzeRequest, callback: grpc.requestCallback<_nephele_v1_AnalyzeResponse__Output>): grpc.ClientUnaryCall;
  
  ApplyRecommendation(argument: _nephele_v1_ApplyRecommendationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ApplyRecommendationResponse__Output>): grpc.ClientUnaryCall;
  ApplyRecommendation(argument: _nephele_v1_ApplyRecommendationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ApplyRecommendationResponse__Output>): grpc.ClientUnaryCall;
  ApplyRecommendation(argument: _nephele_v1_ApplyRecommendationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ApplyRecommendationResponse__Output>): grpc.ClientUnaryCall;
  ApplyRecommendation(argument: _nephele_v1_ApplyRecommendationRequest, callback: grpc.requestCallback<_nephele_v1_ApplyRecommendationResponse__Output>): grpc.ClientUnaryCall;
  applyRecommendation(argument: _nephele_v1_ApplyRecommendationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ApplyRecommendationResponse__Output>): grpc.ClientUnaryCall;
  applyRecommendation(argument: _nephele_v1_ApplyRecommendationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ApplyRecommendationResponse__Output>): grpc.ClientUnaryCall;
  applyRecommendation(argument: _nephele_v1_ApplyRecommendationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ApplyRecommendationResponse__Output>): grpc.ClientUnaryCall;
  applyRecommendation(argument: _nephele_v1_ApplyRecommendationRequest, callback: grpc.requestCallback<_nephele_v1_ApplyRecommendationResponse__Output>): grpc.ClientUnaryCall;
  
  DefineClass(argument: _nephele_v1_DefineClassRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DefineClassResponse__Output>): grpc.ClientUnaryCall;
  DefineClass(argument: _nephele_v1_DefineClassRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DefineClassResponse__Output>): grpc.ClientUnaryCall;
  DefineClass(argument: _nephele_v1_DefineClassRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DefineClassResponse__Output>): grpc.ClientUnaryCall;
  DefineClass(argument: _nephele_v1_DefineClassRequest, callback: grpc.requestCallback<_nephele_v1_DefineClassResponse__Output>): grpc.ClientUnaryCall;
  defineClass(argument: _nephele_v1_DefineClassRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DefineClassResponse__Output>): grpc.ClientUnaryCall;
  defineClass(argument: _nephele_v1_DefineClassRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DefineClassResponse__Output>): grpc.ClientUnaryCall;
  defineClass(argument: _nephele_v1_DefineClassRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DefineClassResponse__Output>): grpc.ClientUnaryCall;
  defineClass(argument: _nephele_v1_DefineClassRequest, callback: grpc.requestCallback<_nephele_v1_DefineClassResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteClass(argument: _nephele_v1_DeleteClassRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteClassResponse__Output>): grpc.ClientUnaryCall;
  DeleteClass(argument: _nephele_v1_DeleteClassRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DeleteClassResponse__Output>): grpc.ClientUnaryCall;
  DeleteClass(argument: _nephele_v1_DeleteClassRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteClassResponse__Output>): grpc.ClientUnaryCall;
  DeleteClass(argument: _nephele_v1_DeleteClassRequest, callback: grpc.requestCallback<_nephele_v1_DeleteClassResponse__Output>): grpc.ClientUnaryCall;
  deleteClass(argument: _nephele_v1_DeleteClassRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteClassResponse__Output>): grpc.ClientUnaryCall;
  deleteClass(argument: _nephele_v1_DeleteClassRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_DeleteClassResponse__Output>): grpc.ClientUnaryCall;
  deleteClass(argument: _nephele_v1_DeleteClassRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_DeleteClassResponse__Output>): grpc.ClientUnaryCall;
  deleteClass(argument: _nephele_v1_DeleteClassRequest, callback: grpc.requestCallback<_nephele_v1_DeleteClassResponse__Output>): grpc.ClientUnaryCall;
  
  GetReclassPolicy(argument: _nephele_v1_GetReclassPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  GetReclassPolicy(argument: _nephele_v1_GetReclassPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  GetReclassPolicy(argument: _nephele_v1_GetReclassPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  GetReclassPolicy(argument: _nephele_v1_GetReclassPolicyRequest, callback: grpc.requestCallback<_nephele_v1_GetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  getReclassPolicy(argument: _nephele_v1_GetReclassPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  getReclassPolicy(argument: _nephele_v1_GetReclassPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  getReclassPolicy(argument: _nephele_v1_GetReclassPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  getReclassPolicy(argument: _nephele_v1_GetReclassPolicyRequest, callback: grpc.requestCallback<_nephele_v1_GetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  
  GetRecommendation(argument: _nephele_v1_GetRecommendationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetRecommendationResponse__Output>): grpc.ClientUnaryCall;
  GetRecommendation(argument: _nephele_v1_GetRecommendationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetRecommendationResponse__Output>): grpc.ClientUnaryCall;
  GetRecommendation(argument: _nephele_v1_GetRecommendationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetRecommendationResponse__Output>): grpc.ClientUnaryCall;
  GetRecommendation(argument: _nephele_v1_GetRecommendationRequest, callback: grpc.requestCallback<_nephele_v1_GetRecommendationResponse__Output>): grpc.ClientUnaryCall;
  getRecommendation(argument: _nephele_v1_GetRecommendationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetRecommendationResponse__Output>): grpc.ClientUnaryCall;
  getRecommendation(argument: _nephele_v1_GetRecommendationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_GetRecommendationResponse__Output>): grpc.ClientUnaryCall;
  getRecommendation(argument: _nephele_v1_GetRecommendationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_GetRecommendationResponse__Output>): grpc.ClientUnaryCall;
  getRecommendation(argument: _nephele_v1_GetRecommendationRequest, callback: grpc.requestCallback<_nephele_v1_GetRecommendationResponse__Output>): grpc.ClientUnaryCall;
  
  ListClasses(argument: _nephele_v1_ListClassesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListClassesResponse__Output>): grpc.ClientUnaryCall;
  ListClasses(argument: _nephele_v1_ListClassesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListClassesResponse__Output>): grpc.ClientUnaryCall;
  ListClasses(argument: _nephele_v1_ListClassesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListClassesResponse__Output>): grpc.ClientUnaryCall;
  ListClasses(argument: _nephele_v1_ListClassesRequest, callback: grpc.requestCallback<_nephele_v1_ListClassesResponse__Output>): grpc.ClientUnaryCall;
  listClasses(argument: _nephele_v1_ListClassesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListClassesResponse__Output>): grpc.ClientUnaryCall;
  listClasses(argument: _nephele_v1_ListClassesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListClassesResponse__Output>): grpc.ClientUnaryCall;
  listClasses(argument: _nephele_v1_ListClassesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListClassesResponse__Output>): grpc.ClientUnaryCall;
  listClasses(argument: _nephele_v1_ListClassesRequest, callback: grpc.requestCallback<_nephele_v1_ListClassesResponse__Output>): grpc.ClientUnaryCall;
  
  ListRecommendations(argument: _nephele_v1_ListRecommendationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListRecommendationsResponse__Output>): grpc.ClientUnaryCall;
  ListRecommendations(argument: _nephele_v1_ListRecommendationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListRecommendationsResponse__Output>): grpc.ClientUnaryCall;
  ListRecommendations(argument: _nephele_v1_ListRecommendationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListRecommendationsResponse__Output>): grpc.ClientUnaryCall;
  ListRecommendations(argument: _nephele_v1_ListRecommendationsRequest, callback: grpc.requestCallback<_nephele_v1_ListRecommendationsResponse__Output>): grpc.ClientUnaryCall;
  listRecommendations(argument: _nephele_v1_ListRecommendationsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListRecommendationsResponse__Output>): grpc.ClientUnaryCall;
  listRecommendations(argument: _nephele_v1_ListRecommendationsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_ListRecommendationsResponse__Output>): grpc.ClientUnaryCall;
  listRecommendations(argument: _nephele_v1_ListRecommendationsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_ListRecommendationsResponse__Output>): grpc.ClientUnaryCall;
  listRecommendations(argument: _nephele_v1_ListRecommendationsRequest, callback: grpc.requestCallback<_nephele_v1_ListRecommendationsResponse__Output>): grpc.ClientUnaryCall;
  
  OfferTargets(argument: _nephele_v1_OfferTargetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_OfferTargetsResponse__Output>): grpc.ClientUnaryCall;
  OfferTargets(argument: _nephele_v1_OfferTargetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_OfferTargetsResponse__Output>): grpc.ClientUnaryCall;
  OfferTargets(argument: _nephele_v1_OfferTargetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_OfferTargetsResponse__Output>): grpc.ClientUnaryCall;
  OfferTargets(argument: _nephele_v1_OfferTargetsRequest, callback: grpc.requestCallback<_nephele_v1_OfferTargetsResponse__Output>): grpc.ClientUnaryCall;
  offerTargets(argument: _nephele_v1_OfferTargetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_OfferTargetsResponse__Output>): grpc.ClientUnaryCall;
  offerTargets(argument: _nephele_v1_OfferTargetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_OfferTargetsResponse__Output>): grpc.ClientUnaryCall;
  offerTargets(argument: _nephele_v1_OfferTargetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_OfferTargetsResponse__Output>): grpc.ClientUnaryCall;
  offerTargets(argument: _nephele_v1_OfferTargetsRequest, callback: grpc.requestCallback<_nephele_v1_OfferTargetsResponse__Output>): grpc.ClientUnaryCall;
  
  Recommend(argument: _nephele_v1_RecommendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  Recommend(argument: _nephele_v1_RecommendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  Recommend(argument: _nephele_v1_RecommendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  Recommend(argument: _nephele_v1_RecommendRequest, callback: grpc.requestCallback<_nephele_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  recommend(argument: _nephele_v1_RecommendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  recommend(argument: _nephele_v1_RecommendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  recommend(argument: _nephele_v1_RecommendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  recommend(argument: _nephele_v1_RecommendRequest, callback: grpc.requestCallback<_nephele_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  
  SetReclassPolicy(argument: _nephele_v1_SetReclassPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  SetReclassPolicy(argument: _nephele_v1_SetReclassPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  SetReclassPolicy(argument: _nephele_v1_SetReclassPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  SetReclassPolicy(argument: _nephele_v1_SetReclassPolicyRequest, callback: grpc.requestCallback<_nephele_v1_SetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  setReclassPolicy(argument: _nephele_v1_SetReclassPolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  setReclassPolicy(argument: _nephele_v1_SetReclassPolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_nephele_v1_SetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  setReclassPolicy(argument: _nephele_v1_SetReclassPolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_nephele_v1_SetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  setReclassPolicy(argument: _nephele_v1_SetReclassPolicyRequest, callback: grpc.requestCallback<_nephele_v1_SetReclassPolicyResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ReclassServiceHandlers extends grpc.UntypedServiceImplementation {
  Analyze: grpc.handleUnaryCall<_nephele_v1_AnalyzeRequest__Output, _nephele_v1_AnalyzeResponse>;
  
  ApplyRecommendation: grpc.handleUnaryCall<_nephele_v1_ApplyRecommendationRequest__Output, _nephele_v1_ApplyRecommendationResponse>;
  
  DefineClass: grpc.handleUnaryCall<_nephele_v1_DefineClassRequest__Output, _nephele_v1_DefineClassResponse>;
  
  DeleteClass: grpc.handleUnaryCall<_nephele_v1_DeleteClassRequest__Output, _nephele_v1_DeleteClassResponse>;
  
  GetReclassPolicy: grpc.handleUnaryCall<_nephele_v1_GetReclassPolicyRequest__Output, _nephele_v1_GetReclassPolicyResponse>;
  
  GetRecommendation: grpc.handleUnaryCall<_nephele_v1_GetRecommendationRequest__Output, _nephele_v1_GetRecommendationResponse>;
  
  ListClasses: grpc.handleUnaryCall<_nephele_v1_ListClassesRequest__Output, _nephele_v1_ListClassesResponse>;
  
  ListRecommendations: grpc.handleUnaryCall<_nephele_v1_ListRecommendationsRequest__Output, _nephele_v1_ListRecommendationsResponse>;
  
  OfferTargets: grpc.handleUnaryCall<_nephele_v1_OfferTargetsRequest__Output, _nephele_v1_OfferTargetsResponse>;
  
  Recommend: grpc.handleUnaryCall<_nephele_v1_RecommendRequest__Output, _nephele_v1_RecommendResponse>;
  
  SetReclassPolicy: grpc.handleUnaryCall<_nephele_v1_SetReclassPolicyRequest__Output, _nephele_v1_SetReclassPolicyResponse>;
  
}

export interface ReclassServiceDefinition extends grpc.ServiceDefinition {
  Analyze: MethodDefinition<_nephele_v1_AnalyzeRequest, _nephele_v1_AnalyzeResponse, _nephele_v1_AnalyzeRequest__Output, _nephele_v1_AnalyzeResponse__Output>
  ApplyRecommendation: MethodDefinition<_nephele_v1_ApplyRecommendationRequest, _nephele_v1_ApplyRecommendationResponse, _nephele_v1_ApplyRecommendationRequest__Output, _nephele_v1_ApplyRecommendationResponse__Output>
  DefineClass: MethodDefinition<_nephele_v1_DefineClassRequest, _nephele_v1_DefineClassResponse, _nephele_v1_DefineClassRequest__Output, _nephele_v1_DefineClassResponse__Output>
  DeleteClass: MethodDefinition<_nephele_v1_DeleteClassRequest, _nephele_v1_DeleteClassResponse, _nephele_v1_DeleteClassRequest__Output, _nephele_v1_DeleteClassResponse__Output>
  GetReclassPolicy: MethodDefinition<_nephele_v1_GetReclassPolicyRequest, _nephele_v1_GetReclassPolicyResponse, _nephele_v1_GetReclassPolicyRequest__Output, _nephele_v1_GetReclassPolicyResponse__Output>
  GetRecommendation: MethodDefinition<_nephele_v1_GetRecommendationRequest, _nephele_v1_GetRecommendationResponse, _nephele_v1_GetRecommendationRequest__Output, _nephele_v1_GetRecommendationResponse__Output>
  ListClasses: MethodDefinition<_nephele_v1_ListClassesRequest, _nephele_v1_ListClassesResponse, _nephele_v1_ListClassesRequest__Output, _nephele_v1_ListClassesResponse__Output>
  ListRecommendations: MethodDefinition<_nephele_v1_ListRecommendationsRequest, _nephele_v1_ListRecommendationsResponse, _nephele_v1_ListRecommendationsRequest__Output, _nephele_v1_ListRecommendationsResponse__Output>
  OfferTargets: MethodDefinition<_nephele_v1_OfferTargetsRequest, _nephele_v1_OfferTargetsResponse, _nephele_v1_OfferTargetsRequest__Output, _nephele_v1_OfferTargetsResponse__Output>
  Recommend: MethodDefinition<_nephele_v1_RecommendRequest, _nephele_v1_RecommendResponse, _nephele_v1_RecommendRequest__Output, _nephele_v1_RecommendResponse__Output>
  SetReclassPolicy: MethodDefinition<_nephele_v1_SetReclassPolicyRequest, _nephele_v1_SetReclassPolicyResponse, _nephele_v1_SetReclassPolicyRequest__Output, _nephele_v1_SetReclassPolicyResponse__Output>
}
