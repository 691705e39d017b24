// Original file: proto/nephele/v1/reclass.proto


export interface RecommendRequest {
  'vmId'?: (string);
  'setId'?: (string);
  'tenant'?: (string);
  'windowHours'?: (number);
  'minDataHours'?: (number);
  'headroomPct'?: (number | string);
  'includePeers'?: (boolean);
  'requestId'?: (string);
}

export interface RecommendRequest__Output {
  'vmId': (string);
  'setId': (string);
  'tenant': (string);
  'windowHours': (number);
  'minDataHours': (number);
  'headroomPct': (number);
  'includePeers': (boolean);
  'requestId': (string);
}
