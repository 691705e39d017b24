// Original file: proto/nephele/v1/token.proto


export interface ListImagesRequest {
  'pageSize'?: (number);
  'pageToken'?: (string);
  'tenant'?: (string);
  'includeRevoked'?: (boolean);
}

export interface ListImagesRequest__Output {
  'pageSize': (number);
  'pageToken': (string);
  'tenant': (string);
  'includeRevoked': (boolean);
}
