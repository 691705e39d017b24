// Original file: proto/nephele/v1/monitor.proto

import type { Long } from '@grpc/proto-loader';

export interface PolledMark {
  'vmId'?: (string);
  'timeUnixMs'?: (number | string | Long);
  'polls'?: (number | string | Long);
}

export interface PolledMark__Output {
  'vmId': (string);
  'timeUnixMs': (number);
  'polls': (number);
}
