// Original file: proto/nephele/v1/token.proto


export interface GetImageLineageRequest {
  'imageId'?: (string);
}

export interface GetImageLineageRequest__Output {
  'imageId': (string);
}
