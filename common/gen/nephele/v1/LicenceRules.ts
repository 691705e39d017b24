// Original file: proto/nephele/v1/monitor.proto


export interface LicenceRules {
  'maxSeats'?: (number);
  'enforceExpiry'?: (boolean);
}

export interface LicenceRules__Output {
  'maxSeats': (number);
  'enforceExpiry': (boolean);
}
