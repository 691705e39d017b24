// Original file: proto/nephele/v1/token.proto


export interface CaptureImageRequest {
  'token'?: (string);
  'name'?: (string);
  'requestId'?: (string);
}

export interface CaptureImageRequest__Output {
  'token': (string);
  'name': (string);
  'requestId': (string);
}
