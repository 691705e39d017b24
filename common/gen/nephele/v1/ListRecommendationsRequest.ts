// Original file: proto/nephele/v1/reclass.proto

import type { RecommendationState as _nephele_v1_RecommendationState, RecommendationState__Output as _nephele_v1_RecommendationState__Output } from '../../nephele/v1/RecommendationState.js';

export interface ListRecommendationsRequest {
  'tenant'?: (string);
  'setId'?: (string);
  'vmId'?: (string);
  'state'?: (_nephele_v1_RecommendationState);
  'pageSize'?: (number);
  'pageToken'?: (string);
  'allStates'?: (boolean);
}

export interface ListRecommendationsRequest__Output {
  'tenant': (string);
  'setId': (string);
  'vmId': (string);
  'state': (_nephele_v1_RecommendationState__Output);
  'pageSize': (number);
  'pageToken': (string);
  'allStates': (boolean);
}
