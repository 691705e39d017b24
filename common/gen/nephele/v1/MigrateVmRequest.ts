// Original file: proto/nephele/v1/vm.proto


export interface MigrateVmRequest {
  'vmId'?: (string);
  'targetHostId'?: (string);
  'requestId'?: (string);
}

export interface MigrateVmRequest__Output {
  'vmId': (string);
  'targetHostId': (string);
  'requestId': (string);
}
