// Original file: proto/nephele/v1/scheme.proto


export interface MigrateAcrossSchemesRequest {
  'vmId'?: (string);
  'targetScheme'?: (string);
  'targetHostId'?: (string);
  'requestId'?: (string);
}

export interface MigrateAcrossSchemesRequest__Output {
  'vmId': (string);
  'targetScheme': (string);
  'targetHostId': (string);
  'requestId': (string);
}
