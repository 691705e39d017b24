// Original file: proto/nephele/v1/types.proto


export interface NicInfo {
  'name'?: (string);
  'mac'?: (string);
  'addresses'?: (string)[];
  'speedMbps'?: (number);
  'virtual'?: (boolean);
  'operstate'?: (string);
}

export interface NicInfo__Output {
  'name': (string);
  'mac': (string);
  'addresses': (string)[];
  'speedMbps': (number);
  'virtual': (boolean);
  'operstate': (string);
}
