import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AnalyzeRequest as _nephele_v1_AnalyzeRequest, AnalyzeRequest__Output as _nephele_v1_AnalyzeRequest__Output } from './nephele/v1/AnalyzeRequest.js';
import type { AnalyzeResponse as _nephele_v1_AnalyzeResponse, AnalyzeResponse__Output as _nephele_v1_AnalyzeResponse__Output } from './nephele/v1/AnalyzeResponse.js';
import type { ApplianceManifest as _nephele_v1_ApplianceManifest, ApplianceManifest__Output as _nephele_v1_ApplianceManifest__Output } from './nephele/v1/ApplianceManifest.js';
import type { ApplyRecommendationRequest as _nephele_v1_ApplyRecommendationRequest, ApplyRecommendationRequest__Output as _nephele_v1_ApplyRecommendationRequest__Output } from './nephele/v1/ApplyRecommendationRequest.js';
import type { ApplyRecommendationResponse as _nephele_v1_ApplyRecommendationResponse, ApplyRecommendationResponse__Output as _nephele_v1_ApplyRecommendationResponse__Output } from './nephele/v1/ApplyRecommendationResponse.js';
import type { ApplyStep as _nephele_v1_ApplyStep, ApplyStep__Output as _nephele_v1_ApplyStep__Output } from './nephele/v1/ApplyStep.js';
import type { Benefit as _nephele_v1_Benefit, Benefit__Output as _nephele_v1_Benefit__Output } from './nephele/v1/Benefit.js';
import type { Candidate as _nephele_v1_Candidate, Candidate__Output as _nephele_v1_Candidate__Output } from './nephele/v1/Candidate.js';
import type { DefineClassRequest as _nephele_v1_DefineClassRequest, DefineClassRequest__Output as _nephele_v1_DefineClassRequest__Output } from './nephele/v1/DefineClassRequest.js';
import type { DefineClassResponse as _nephele_v1_DefineClassResponse, DefineClassResponse__Output as _nephele_v1_DefineClassResponse__Output } from './nephele/v1/DefineClassResponse.js';
import type { DeleteClassRequest as _nephele_v1_DeleteClassRequest, DeleteClassRequest__Output as _nephele_v1_DeleteClassRequest__Output } from './nephele/v1/DeleteClassRequest.js';
import type { DeleteClassResponse as _nephele_v1_DeleteClassResponse, DeleteClassResponse__Output as _nephele_v1_DeleteClassResponse__Output } from './nephele/v1/DeleteClassResponse.js';
import type { Finding as _nephele_v1_Finding, Finding__Output as _nephele_v1_Finding__Output } from './nephele/v1/Finding.js';
import type { GetReclassPolicyRequest as _nephele_v1_GetReclassPolicyRequest, GetReclassPolicyRequest__Output as _nephele_v1_GetReclassPolicyRequest__Output } from './nephele/v1/GetReclassPolicyRequest.js';
import type { GetReclassPolicyResponse as _nephele_v1_GetReclassPolicyResponse, GetReclassPolicyResponse__Output as _nephele_v1_GetReclassPolicyResponse__Output } from './nephele/v1/GetReclassPolicyResponse.js';
import type { GetRecommendationRequest as _nephele_v1_GetRecommendationRequest, GetRecommendationRequest__Output as _nephele_v1_GetRecommendationRequest__Output } from './nephele/v1/GetRecommendationRequest.js';
import type { GetRecommendationResponse as _nephele_v1_GetRecommendationResponse, GetRecommendationResponse__Output as _nephele_v1_GetRecommendationResponse__Output } from './nephele/v1/GetRecommendationResponse.js';
import type { ListClassesRequest as _nephele_v1_ListClassesRequest, ListClassesRequest__Output as _nephele_v1_ListClassesRequest__Output } from './nephele/v1/ListClassesRequest.js';
import type { ListClassesResponse as _nephele_v1_ListClassesResponse, ListClassesResponse__Output as _nephele_v1_ListClassesResponse__Output } from './nephele/v1/ListClassesResponse.js';
import type { ListRecommendationsRequest as _nephele_v1_ListRecommendationsRequest, ListRecommendationsRequest__Output as _nephele_v1_ListRecommendationsRequest__Output } from './nephele/v1/ListRecommendationsRequest.js';
import type { ListRecommendationsResponse as _nephele_v1_ListRecommendationsResponse, ListRecommendationsResponse__Output as _nephele_v1_ListRecommendationsResponse__Output } from './nephele/v1/ListRecommendationsResponse.js';
import type { OfferTargetsRequest as _nephele_v1_OfferTargetsRequest, OfferTargetsRequest__Output as _nephele_v1_OfferTargetsRequest__Output } from './nephele/v1/OfferTargetsRequest.js';
import type { OfferTargetsResponse as _nephele_v1_OfferTargetsResponse, OfferTargetsResponse__Output as _nephele_v1_OfferTargetsResponse__Output } from './nephele/v1/OfferTargetsResponse.js';
import type { OfferedVm as _nephele_v1_OfferedVm, OfferedVm__Output as _nephele_v1_OfferedVm__Output } from './nephele/v1/OfferedVm.js';
import type { Percentiles as _nephele_v1_Percentiles, Percentiles__Output as _nephele_v1_Percentiles__Output } from './nephele/v1/Percentiles.js';
import type { ReclassPolicy as _nephele_v1_ReclassPolicy, ReclassPolicy__Output as _nephele_v1_ReclassPolicy__Output } from './nephele/v1/ReclassPolicy.js';
import type { ReclassServiceClient as _nephele_v1_ReclassServiceClient, ReclassServiceDefinition as _nephele_v1_ReclassServiceDefinition } from './nephele/v1/ReclassService.js';
import type { RecommendRequest as _nephele_v1_RecommendRequest, RecommendRequest__Output as _nephele_v1_RecommendRequest__Output } from './nephele/v1/RecommendRequest.js';
import type { RecommendResponse as _nephele_v1_RecommendResponse, RecommendResponse__Output as _nephele_v1_RecommendResponse__Output } from './nephele/v1/RecommendResponse.js';
import type { Recommendation as _nephele_v1_Recommendation, Recommendation__Output as _nephele_v1_Recommendation__Output } from './nephele/v1/Recommendation.js';
import type { SetReclassPolicyRequest as _nephele_v1_SetReclassPolicyRequest, SetReclassPolicyRequest__Output as _nephele_v1_SetReclassPolicyRequest__Output } from './nephele/v1/SetReclassPolicyRequest.js';
import type { SetReclassPolicyResponse as _nephele_v1_SetReclassPolicyResponse, SetReclassPolicyResponse__Output as _nephele_v1_SetReclassPolicyResponse__Output } from './nephele/v1/SetReclassPolicyResponse.js';
import type { Target as _nephele_v1_Target, Target__Output as _nephele_v1_Target__Output } from './nephele/v1/Target.js';
import type { UsageProfile as _nephele_v1_UsageProfile, UsageProfile__Output as _nephele_v1_UsageProfile__Output } from './nephele/v1/UsageProfile.js';
import type { VmAnalysis as _nephele_v1_VmAnalysis, VmAnalysis__Output as _nephele_v1_VmAnalysis__Output } from './nephele/v1/VmAnalysis.js';
import type { VmClass as _nephele_v1_VmClass, VmClass__Output as _nephele_v1_VmClass__Output } from './nephele/v1/VmClass.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  nephele: {
    v1: {
      AnalyzeRequest: MessageTypeDefinition<_nephele_v1_AnalyzeRequest, _nephele_v1_AnalyzeRequest__Output>
      AnalyzeResponse: MessageTypeDefinition<_nephele_v1_AnalyzeResponse, _nephele_v1_AnalyzeResponse__Output>
      ApplianceManifest: MessageTypeDefinition<_nephele_v1_ApplianceManifest, _nephele_v1_ApplianceManifest__Output>
      ApplyRecommendationRequest: MessageTypeDefinition<_nephele_v1_ApplyRecommendationRequest, _nephele_v1_ApplyRecommendationRequest__Output>
      ApplyRecommendationResponse: MessageTypeDefinition<_nephele_v1_ApplyRecommendationResponse, _nephele_v1_ApplyRecommendationResponse__Output>
      ApplyStep: MessageTypeDefinition<_nephele_v1_ApplyStep, _nephele_v1_ApplyStep__Output>
      ApplyWhen: EnumTypeDefinition
      Benefit: MessageTypeDefinition<_nephele_v1_Benefit, _nephele_v1_Benefit__Output>
      Candidate: MessageTypeDefinition<_nephele_v1_Candidate, _nephele_v1_Candidate__Output>
      DefineClassRequest: MessageTypeDefinition<_nephele_v1_DefineClassRequest, _nephele_v1_DefineClassRequest__Output>
      DefineClassResponse: MessageTypeDefinition<_nephele_v1_DefineClassResponse, _nephele_v1_DefineClassResponse__Output>
      DeleteClassRequest: MessageTypeDefinition<_nephele_v1_DeleteClassRequest, _nephele_v1_DeleteClassRequest__Output>
      DeleteClassResponse: MessageTypeDefinition<_nephele_v1_DeleteClassResponse, _nephele_v1_DeleteClassResponse__Output>
      Finding: MessageTypeDefinition<_nephele_v1_Finding, _nephele_v1_Finding__Output>
      FindingKind: EnumTypeDefinition
      GetReclassPolicyRequest: MessageTypeDefinition<_nephele_v1_GetReclassPolicyRequest, _nephele_v1_GetReclassPolicyRequest__Output>
      GetReclassPolicyResponse: MessageTypeDefinition<_nephele_v1_GetReclassPolicyResponse, _nephele_v1_GetReclassPolicyResponse__Output>
      GetRecommendationRequest: MessageTypeDefinition<_nephele_v1_GetRecommendationRequest, _nephele_v1_GetRecommendationRequest__Output>
      GetRecommendationResponse: MessageTypeDefinition<_nephele_v1_GetRecommendationResponse, _nephele_v1_GetRecommendationResponse__Output>
      ListClassesRequest: MessageTypeDefinition<_nephele_v1_ListClassesRequest, _nephele_v1_ListClassesRequest__Output>
      ListClassesResponse: MessageTypeDefinition<_nephele_v1_ListClassesResponse, _nephele_v1_ListClassesResponse__Output>
      ListRecommendationsRequest: MessageTypeDefinition<_nephele_v1_ListRecommendationsRequest, _nephele_v1_ListRecommendationsRequest__Output>
      ListRecommendationsResponse: MessageTypeDefinition<_nephele_v1_ListRecommendationsResponse, _nephele_v1_ListRecommendationsResponse__Output>
      OfferTargetsRequest: MessageTypeDefinition<_nephele_v1_OfferTargetsRequest, _nephele_v1_OfferTargetsRequest__Output>
      OfferTargetsResponse: MessageTypeDefinition<_nephele_v1_OfferTargetsResponse, _nephele_v1_OfferTargetsResponse__Output>
      OfferedVm: MessageTypeDefinition<_nephele_v1_OfferedVm, _nephele_v1_OfferedVm__Output>
      Percentiles: MessageTypeDefinition<_nephele_v1_Percentiles, _nephele_v1_Percentiles__Output>
      ReclassPolicy: MessageTypeDefinition<_nephele_v1_ReclassPolicy, _nephele_v1_ReclassPolicy__Output>
      ReclassService: SubtypeConstructor<typeof grpc.Client, _nephele_v1_ReclassServiceClient> & { service: _nephele_v1_ReclassServiceDefinition }
      RecommendRequest: MessageTypeDefinition<_nephele_v1_RecommendRequest, _nephele_v1_RecommendRequest__Output>
      RecommendResponse: MessageTypeDefinition<_nephele_v1_RecommendResponse, _nephele_v1_RecommendResponse__Output>
      Recommendation: MessageTypeDefinition<_nephele_v1_Recommendation, _nephele_v1_Recommendation__Output>
      RecommendationKind: EnumTypeDefinition
      RecommendationState: EnumTypeDefinition
      SetReclassPolicyRequest: MessageTypeDefinition<_nephele_v1_SetReclassPolicyRequest, _nephele_v1_SetReclassPolicyRequest__Output>
      SetReclassPolicyResponse: MessageTypeDefinition<_nephele_v1_SetReclassPolicyResponse, _nephele_v1_SetReclassPolicyResponse__Output>
      Target: MessageTypeDefinition<_nephele_v1_Target, _nephele_v1_Target__Output>
      TargetKind: EnumTypeDefinition
      UsageProfile: MessageTypeDefinition<_nephele_v1_UsageProfile, _nephele_v1_UsageProfile__Output>
      VmAnalysis: MessageTypeDefinition<_nephele_v1_VmAnalysis, _nephele_v1_VmAnalysis__Output>
      VmClass: MessageTypeDefinition<_nephele_v1_VmClass, _nephele_v1_VmClass__Output>
    }
  }
}

