// Original file: proto/nephele/v1/types.proto

import type { Long } from '@grpc/proto-loader';

export interface DiskInfo {
  'device'?: (string);
  'type'?: (string);
  'model'?: (string);
  'sizeBytes'?: (number | string | Long);
}

export interface DiskInfo__Output {
  'device': (string);
  'type': (string);
  'model': (string);
  'sizeBytes': (number);
}
