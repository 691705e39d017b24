// Original file: proto/nephele/v1/monitor.proto

import type { Long } from '@grpc/proto-loader';

export interface IoCounters {
  'diskReadBytes'?: (number | string | Long);
  'diskWriteBytes'?: (number | string | Long);
  'netRxBytes'?: (number | string | Long);
  'netTxBytes'?: (number | string | Long);
}

export interface IoCounters__Output {
  'diskReadBytes': (number);
  'diskWriteBytes': (number);
  'netRxBytes': (number);
  'netTxBytes': (number);
}
