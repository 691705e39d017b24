// Original file: proto/nephele/v1/reclass.proto

import type { Recommendation as _nephele_v1_Recommendation, Recommendation__Output as _nephele_v1_Recommendation__Output } from '../../nephele/v1/Recommendation.js';

export interface GetRecommendationResponse {
  'recommendation'?: (_nephele_v1_Recommendation | null);
}

export interface GetRecommendationResponse__Output {
  'recommendation': (_nephele_v1_Recommendation__Output | null);
}
