// Original file: proto/nephele/v1/reclass.proto


export interface GetRecommendationRequest {
  'id'?: (string);
}

export interface GetRecommendationRequest__Output {
  'id': (string);
}
