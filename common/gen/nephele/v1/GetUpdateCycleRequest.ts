// Original file: proto/nephele/v1/token.proto


export interface GetUpdateCycleRequest {
  'cycleId'?: (string);
}

export interface GetUpdateCycleRequest__Output {
  'cycleId': (string);
}
