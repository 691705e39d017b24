// Original file: proto/nephele/v1/token.proto


export interface ListUpdateCyclesRequest {
  'setId'?: (string);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListUpdateCyclesRequest__Output {
  'setId': (string);
  'pageSize': (number);
  'pageToken': (string);
}
