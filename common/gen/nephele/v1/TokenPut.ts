// Original file: proto/nephele/v1/agent.proto


export interface TokenPut {
  'token'?: (string);
}

export interface TokenPut__Output {
  'token': (string);
}
