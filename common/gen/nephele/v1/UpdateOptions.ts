// Original file: proto/nephele/v1/token.proto


export interface UpdateOptions {
  'maxParallel'?: (number);
  'canary'?: (number);
  'healthTimeoutS'?: (number);
  'autoRevert'?: (boolean);
  'healthPath'?: (string);
  'healthExpect'?: (string);
}

export interface UpdateOptions__Output {
  'maxParallel': (number);
  'canary': (number);
  'healthTimeoutS': (number);
  'autoRevert': (boolean);
  'healthPath': (string);
  'healthExpect': (string);
}
