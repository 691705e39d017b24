// Original file: proto/nephele/v1/reclass.proto


export interface DeleteClassRequest {
  'name'?: (string);
  'requestId'?: (string);
}

export interface DeleteClassRequest__Output {
  'name': (string);
  'requestId': (string);
}
