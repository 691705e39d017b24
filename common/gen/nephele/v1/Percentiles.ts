// Original file: proto/nephele/v1/reclass.proto


export interface Percentiles {
  'p50'?: (number | string);
  'p95'?: (number | string);
  'p99'?: (number | string);
  'max'?: (number | string);
  'mean'?: (number | string);
}

export interface Percentiles__Output {
  'p50': (number);
  'p95': (number);
  'p99': (number);
  'max': (number);
  'mean': (number);
}
