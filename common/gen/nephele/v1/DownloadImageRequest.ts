// Original file: proto/nephele/v1/token.proto


export interface DownloadImageRequest {
  'imageId'?: (string);
}

export interface DownloadImageRequest__Output {
  'imageId': (string);
}
