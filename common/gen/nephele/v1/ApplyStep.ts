// Original file: proto/nephele/v1/reclass.proto


export interface ApplyStep {
  'name'?: (string);
  'state'?: (string);
  'detail'?: (string);
}

export interface ApplyStep__Output {
  'name': (string);
  'state': (string);
  'detail': (string);
}
