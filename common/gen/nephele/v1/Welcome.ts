// Original file: proto/nephele/v1/agent.proto

import type { OutboxEpoch as _nephele_v1_OutboxEpoch, OutboxEpoch__Output as _nephele_v1_OutboxEpoch__Output } from '../../nephele/v1/OutboxEpoch.js';
import type { Long } from '@grpc/proto-loader';

export interface Welcome {
  'hostId'?: (string);
  'heartbeatIntervalMs'?: (number);
  'sendInventory'?: (boolean);
  'durableSeq'?: (number | string | Long);
  'serverTimeUnixMs'?: (number | string | Long);
  'outboxEpochs'?: (_nephele_v1_OutboxEpoch)[];
  'replaceWindowMs'?: (number | string | Long);
  'reconnectWindowMs'?: (number);
}

export interface Welcome__Output {
  'hostId': (string);
  'heartbeatIntervalMs': (number);
  'sendInventory': (boolean);
  'durableSeq': (number);
  'serverTimeUnixMs': (number);
  'outboxEpochs': (_nephele_v1_OutboxEpoch__Output)[];
  'replaceWindowMs': (number);
  'reconnectWindowMs': (number);
}
