// Original file: proto/nephele/v1/agent.proto


export interface ProbeAppliance {
  'path'?: (string);
  'expect'?: (string);
  'timeoutMs'?: (number);
}

export interface ProbeAppliance__Output {
  'path': (string);
  'expect': (string);
  'timeoutMs': (number);
}
