// Original file: proto/nephele/v1/token.proto

import type { Long } from '@grpc/proto-loader';

export interface CycleStep {
  'name'?: (string);
  'status'?: (string);
  'detail'?: (string);
  'startedUnixMs'?: (number | string | Long);
  'endedUnixMs'?: (number | string | Long);
}

export interface CycleStep__Output {
  'name': (string);
  'status': (string);
  'detail': (string);
  'startedUnixMs': (number);
  'endedUnixMs': (number);
}
