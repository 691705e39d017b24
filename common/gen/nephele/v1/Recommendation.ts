// Original file: proto/nephele/v1/reclass.proto

import type { RecommendationKind as _nephele_v1_RecommendationKind, RecommendationKind__Output as _nephele_v1_RecommendationKind__Output } from '../../nephele/v1/RecommendationKind.js';
import type { Target as _nephele_v1_Target, Target__Output as _nephele_v1_Target__Output } from '../../nephele/v1/Target.js';
import type { Benefit as _nephele_v1_Benefit, Benefit__Output as _nephele_v1_Benefit__Output } from '../../nephele/v1/Benefit.js';
import type { Finding as _nephele_v1_Finding, Finding__Output as _nephele_v1_Finding__Output } from '../../nephele/v1/Finding.js';
import type { Candidate as _nephele_v1_Candidate, Candidate__Output as _nephele_v1_Candidate__Output } from '../../nephele/v1/Candidate.js';
import type { RecommendationState as _nephele_v1_RecommendationState, RecommendationState__Output as _nephele_v1_RecommendationState__Output } from '../../nephele/v1/RecommendationState.js';
import type { UsageProfile as _nephele_v1_UsageProfile, UsageProfile__Output as _nephele_v1_UsageProfile__Output } from '../../nephele/v1/UsageProfile.js';
import type { Long } from '@grpc/proto-loader';

export interface Recommendation {
  'id'?: (string);
  'vmId'?: (string);
  'vmName'?: (string);
  'setId'?: (string);
  'tenant'?: (string);
  'kind'?: (_nephele_v1_RecommendationKind);
  'target'?: (_nephele_v1_Target | null);
  'benefit'?: (_nephele_v1_Benefit | null);
  'findings'?: (_nephele_v1_Finding)[];
  'explanation'?: (string);
  'candidates'?: (_nephele_v1_Candidate)[];
  'state'?: (_nephele_v1_RecommendationState);
  'applicable'?: (boolean);
  'notApplicableReason'?: (string);
  'createdUnixMs'?: (number | string | Long);
  'updatedUnixMs'?: (number | string | Long);
  'windowHours'?: (number);
  'dataHours'?: (number);
  'vmGeneration'?: (number | string | Long);
  'vmSpecHash'?: (string);
  'stateReason'?: (string);
  'newVmId'?: (string);
  'scheduledUnixMs'?: (number | string | Long);
  'usage'?: (_nephele_v1_UsageProfile | null);
  'vcpus'?: (number);
  'memoryMib'?: (number | string | Long);
  'vmClass'?: (string);
}

export interface Recommendation__Output {
  'id': (string);
  'vmId': (string);
  'vmName': (string);
  'setId': (string);
  'tenant': (string);
  'kind': (_nephele_v1_RecommendationKind__Output);
  'target': (_nephele_v1_Target__Output | null);
  'benefit': (_nephele_v1_Benefit__Output | null);
  'findings': (_nephele_v1_Finding__Output)[];
  'explanation': (string);
  'candidates': (_nephele_v1_Candidate__Output)[];
  'state': (_nephele_v1_RecommendationState__Output);
  'applicable': (boolean);
  'notApplicableReason': (string);
  'createdUnixMs': (number);
  'updatedUnixMs': (number);
  'windowHours': (number);
  'dataHours': (number);
  'vmGeneration': (number);
  'vmSpecHash': (string);
  'stateReason': (string);
  'newVmId': (string);
  'scheduledUnixMs': (number);
  'usage': (_nephele_v1_UsageProfile__Output | null);
  'vcpus': (number);
  'memoryMib': (number);
  'vmClass': (string);
}
