// Original file: proto/nephele/v1/reclass.proto


export interface GetReclassPolicyRequest {
  'setId'?: (string);
}

export interface GetReclassPolicyRequest__Output {
  'setId': (string);
}
