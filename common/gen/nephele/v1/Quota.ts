// Original file: proto/nephele/v1/types.proto

import type { Long } from '@grpc/proto-loader';

export interface Quota {
  'vcpus'?: (number);
  'memoryBytes'?: (number | string | Long);
  'vms'?: (number);
  'images'?: (number);
}

export interface Quota__Output {
  'vcpus': (number);
  'memoryBytes': (number);
  'vms': (number);
  'images': (number);
}
