// Original file: proto/nephele/v1/types.proto

import type { Long } from '@grpc/proto-loader';

export interface Capacity {
  'vcpus'?: (number);
  'memoryBytes'?: (number | string | Long);
  'diskBytes'?: (number | string | Long);
}

export interface Capacity__Output {
  'vcpus': (number);
  'memoryBytes': (number);
  'diskBytes': (number);
}
