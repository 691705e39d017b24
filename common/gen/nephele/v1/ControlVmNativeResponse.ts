// Original file: proto/nephele/v1/scheme.proto


export interface ControlVmNativeResponse {
  'output'?: (string);
  'action'?: (string);
  'vmIds'?: (string)[];
}

export interface ControlVmNativeResponse__Output {
  'output': (string);
  'action': (string);
  'vmIds': (string)[];
}
