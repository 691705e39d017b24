// Original file: proto/nephele/v1/scheme.proto

import type { Long } from '@grpc/proto-loader';

export interface PublishResponse {
  'seq'?: (number | string | Long);
}

export interface PublishResponse__Output {
  'seq': (number);
}
