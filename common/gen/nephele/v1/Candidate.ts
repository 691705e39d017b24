// Original file: proto/nephele/v1/reclass.proto

import type { RecommendationKind as _nephele_v1_RecommendationKind, RecommendationKind__Output as _nephele_v1_RecommendationKind__Output } from '../../nephele/v1/RecommendationKind.js';
import type { Target as _nephele_v1_Target, Target__Output as _nephele_v1_Target__Output } from '../../nephele/v1/Target.js';
import type { Benefit as _nephele_v1_Benefit, Benefit__Output as _nephele_v1_Benefit__Output } from '../../nephele/v1/Benefit.js';

export interface Candidate {
  'kind'?: (_nephele_v1_RecommendationKind);
  'target'?: (_nephele_v1_Target | null);
  'benefit'?: (_nephele_v1_Benefit | null);
  'fits'?: (boolean);
  'explanation'?: (string);
}

export interface Candidate__Output {
  'kind': (_nephele_v1_RecommendationKind__Output);
  'target': (_nephele_v1_Target__Output | null);
  'benefit': (_nephele_v1_Benefit__Output | null);
  'fits': (boolean);
  'explanation': (string);
}
