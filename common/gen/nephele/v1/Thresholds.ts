// Original file: proto/nephele/v1/monitor.proto


export interface Thresholds {
  'failures'?: (number);
  'windowS'?: (number);
}

export interface Thresholds__Output {
  'failures': (number);
  'windowS': (number);
}
