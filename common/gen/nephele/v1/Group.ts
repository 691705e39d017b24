// Original file: proto/nephele/v1/types.proto

import type { Long } from '@grpc/proto-loader';

export interface Group {
  'name'?: (string);
  'description'?: (string);
  'createdUnixMs'?: (number | string | Long);
  'hostCount'?: (number);
}

export interface Group__Output {
  'name': (string);
  'description': (string);
  'createdUnixMs': (number);
  'hostCount': (number);
}
