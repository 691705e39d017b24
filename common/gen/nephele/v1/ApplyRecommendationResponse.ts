// Original file: proto/nephele/v1/reclass.proto

import type { Recommendation as _nephele_v1_Recommendation, Recommendation__Output as _nephele_v1_Recommendation__Output } from '../../nephele/v1/Recommendation.js';
import type { ApplyStep as _nephele_v1_ApplyStep, ApplyStep__Output as _nephele_v1_ApplyStep__Output } from '../../nephele/v1/ApplyStep.js';

export interface ApplyRecommendationResponse {
  'recommendation'?: (_nephele_v1_Recommendation | null);
  'steps'?: (_nephele_v1_ApplyStep)[];
}

export interface ApplyRecommendationResponse__Output {
  'recommendation': (_nephele_v1_Recommendation__Output | null);
  'steps': (_nephele_v1_ApplyStep__Output)[];
}
