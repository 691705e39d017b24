// Original file: proto/nephele/v1/monitor.proto


export interface GetMonitorPolicyRequest {
  'scope'?: (string);
  'effective'?: (boolean);
}

export interface GetMonitorPolicyRequest__Output {
  'scope': (string);
  'effective': (boolean);
}
