// Original file: proto/nephele/v1/scheme.proto

import type { Long } from '@grpc/proto-loader';

export interface SubscribeRequest {
  'topic'?: (string);
  'afterSeq'?: (number | string | Long);
  'tenant'?: (string);
}

export interface SubscribeRequest__Output {
  'topic': (string);
  'afterSeq': (number);
  'tenant': (string);
}
