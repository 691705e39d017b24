// Original file: proto/nephele/v1/reclass.proto

import type { Recommendation as _nephele_v1_Recommendation, Recommendation__Output as _nephele_v1_Recommendation__Output } from '../../nephele/v1/Recommendation.js';

export interface RecommendResponse {
  'recommendations'?: (_nephele_v1_Recommendation)[];
  'analyzed'?: (number);
  'skippedInsufficientData'?: (number);
  'unchanged'?: (number);
}

export interface RecommendResponse__Output {
  'recommendations': (_nephele_v1_Recommendation__Output)[];
  'analyzed': (number);
  'skippedInsufficientData': (number);
  'unchanged': (number);
}
