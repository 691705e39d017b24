// Original file: proto/nephele/v1/types.proto

import type { Long } from '@grpc/proto-loader';

export interface MemoryInfo {
  'totalBytes'?: (number | string | Long);
  'availableBytes'?: (number | string | Long);
  'swapTotalBytes'?: (number | string | Long);
}

export interface MemoryInfo__Output {
  'totalBytes': (number);
  'availableBytes': (number);
  'swapTotalBytes': (number);
}
