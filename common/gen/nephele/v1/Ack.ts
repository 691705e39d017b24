// Original file: proto/nephele/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface Ack {
  'beat'?: (number | string | Long);
  'durableSeq'?: (number | string | Long);
  'heartbeatIntervalMs'?: (number);
  'reconnectWindowMs'?: (number);
  'serverTimeUnixMs'?: (number | string | Long);
}

export interface Ack__Output {
  'beat': (number);
  'durableSeq': (number);
  'heartbeatIntervalMs': (number);
  'reconnectWindowMs': (number);
  'serverTimeUnixMs': (number);
}
