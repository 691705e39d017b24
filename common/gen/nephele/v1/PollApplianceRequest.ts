// Original file: proto/nephele/v1/monitor.proto


export interface PollApplianceRequest {
  'vmId'?: (string);
  'timeoutMs'?: (number);
}

export interface PollApplianceRequest__Output {
  'vmId': (string);
  'timeoutMs': (number);
}
