// Original file: proto/nephele/v1/types.proto

import type { Long } from '@grpc/proto-loader';

export interface HostLoad {
  'load1'?: (number | string);
  'cpuPct'?: (number | string);
  'memoryAvailableBytes'?: (number | string | Long);
  'ownerCpuPct'?: (number | string);
  'ownerIdleMs'?: (number | string | Long);
}

export interface HostLoad__Output {
  'load1': (number);
  'cpuPct': (number);
  'memoryAvailableBytes': (number);
  'ownerCpuPct': (number);
  'ownerIdleMs': (number);
}
