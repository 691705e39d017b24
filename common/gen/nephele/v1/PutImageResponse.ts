// Original file: proto/nephele/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface PutImageResponse {
  'sizeBytes'?: (number | string | Long);
  'sha256'?: (string);
}

export interface PutImageResponse__Output {
  'sizeBytes': (number);
  'sha256': (string);
}
