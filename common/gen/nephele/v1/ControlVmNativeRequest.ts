// Original file: proto/nephele/v1/scheme.proto


export interface ControlVmNativeRequest {
  'scheme'?: (string);
  'command'?: (string);
  'requestId'?: (string);
}

export interface ControlVmNativeRequest__Output {
  'scheme': (string);
  'command': (string);
  'requestId': (string);
}
