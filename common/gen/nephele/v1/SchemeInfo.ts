// Original file: proto/nephele/v1/types.proto


export interface SchemeInfo {
  'scheme'?: (string);
  'attributes'?: ({[key: string]: string});
}

export interface SchemeInfo__Output {
  'scheme': (string);
  'attributes': ({[key: string]: string});
}
