// Original file: proto/nephele/v1/token.proto


export interface GetConfigurationTableRequest {
  'setId'?: (string);
}

export interface GetConfigurationTableRequest__Output {
  'setId': (string);
}
