// Original file: proto/nephele/v1/usage.proto

import type { Long } from '@grpc/proto-loader';

export interface GetRateCardRequest {
  'version'?: (number | string | Long);
}

export interface GetRateCardRequest__Output {
  'version': (number);
}
