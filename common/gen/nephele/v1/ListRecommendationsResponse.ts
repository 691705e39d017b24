// Original file: proto/nephele/v1/reclass.proto

import type { Recommendation as _nephele_v1_Recommendation, Recommendation__Output as _nephele_v1_Recommendation__Output } from '../../nephele/v1/Recommendation.js';

export interface ListRecommendationsResponse {
  'recommendations'?: (_nephele_v1_Recommendation)[];
  'nextPageToken'?: (string);
}

export interface ListRecommendationsResponse__Output {
  'recommendations': (_nephele_v1_Recommendation__Output)[];
  'nextPageToken': (string);
}
