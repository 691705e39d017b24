// Original file: proto/nephele/v1/monitor.proto

import type { Long } from '@grpc/proto-loader';

export interface Licence {
  'licenceId'?: (string);
  'seatsInUse'?: (number);
  'seats'?: (number);
  'expiresUnixMs'?: (number | string | Long);
}

export interface Licence__Output {
  'licenceId': (string);
  'seatsInUse': (number);
  'seats': (number);
  'expiresUnixMs': (number);
}
