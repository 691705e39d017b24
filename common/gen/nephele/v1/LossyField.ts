// Original file: proto/nephele/v1/scheme.proto


export interface LossyField {
  'path'?: (string);
  'value'?: (string);
  'reason'?: (string);
}

export interface LossyField__Output {
  'path': (string);
  'value': (string);
  'reason': (string);
}
