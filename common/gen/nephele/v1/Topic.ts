// Original file: proto/nephele/v1/scheme.proto

import type { Long } from '@grpc/proto-loader';

export interface Topic {
  'name'?: (string);
  'tenant'?: (string);
  'lastSeq'?: (number | string | Long);
  'subscribers'?: (number);
  'vmIds'?: (string)[];
}

export interface Topic__Output {
  'name': (string);
  'tenant': (string);
  'lastSeq': (number);
  'subscribers': (number);
  'vmIds': (string)[];
}
