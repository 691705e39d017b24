// Original file: proto/nephele/v1/token.proto


export interface GetImageRequest {
  'imageId'?: (string);
}

export interface GetImageRequest__Output {
  'imageId': (string);
}
