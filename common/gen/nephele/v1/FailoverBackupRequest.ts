// Original file: proto/nephele/v1/usage.proto


export interface FailoverBackupRequest {
  'source'?: (string);
  'app'?: (string);
  'requestId'?: (string);
}

export interface FailoverBackupRequest__Output {
  'source': (string);
  'app': (string);
  'requestId': (string);
}
