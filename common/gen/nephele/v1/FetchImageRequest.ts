// Original file: proto/nephele/v1/agent.proto


export interface FetchImageRequest {
  'sha256'?: (string);
}

export interface FetchImageRequest__Output {
  'sha256': (string);
}
