// Original file: proto/nephele/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface Welcome {
  'hostId'?: (string);
  'heartbeatIntervalMs'?: (number);
  'sendInventory'?: (boolean);
  'durableSeq'?: (number | string | Long);
  'serverTimeUnixMs'?: (number | string | Long);
  'reconnectWindowMs'?: (number);
}

export interface Welcome__Output {
  'hostId': (string);
  'heartbeatIntervalMs': (number);
  'sendInventory': (boolean);
  'durableSeq': (number);
  'serverTimeUnixMs': (number);
  'reconnectWindowMs': (number);
}
