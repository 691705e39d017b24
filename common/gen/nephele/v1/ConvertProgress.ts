// Original file: proto/nephele/v1/scheme.proto


export interface ConvertProgress {
  'percent'?: (number | string);
}

export interface ConvertProgress__Output {
  'percent': (number);
}
