// Original file: proto/nephele/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface OutboxEpoch {
  'epoch'?: (string);
  'seq'?: (number | string | Long);
}

export interface OutboxEpoch__Output {
  'epoch': (string);
  'seq': (number);
}
