// Original file: proto/nephele/v1/monitor.proto

import type { Long } from '@grpc/proto-loader';

export interface ProbeResult {
  'name'?: (string);
  'ok'?: (boolean);
  'latencyMs'?: (number);
  'consecutiveFailures'?: (number);
  'detail'?: (string);
  'timeUnixMs'?: (number | string | Long);
  'failuresInWindow'?: (number);
}

export interface ProbeResult__Output {
  'name': (string);
  'ok': (boolean);
  'latencyMs': (number);
  'consecutiveFailures': (number);
  'detail': (string);
  'timeUnixMs': (number);
  'failuresInWindow': (number);
}
