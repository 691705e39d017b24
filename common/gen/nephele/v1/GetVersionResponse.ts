// Original file: proto/nephele/v1/host.proto


export interface GetVersionResponse {
  'version'?: (string);
  'commit'?: (string);
}

export interface GetVersionResponse__Output {
  'version': (string);
  'commit': (string);
}
