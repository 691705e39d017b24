// Original file: proto/nephele/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface EnrollResponse {
  'hostId'?: (string);
  'certificatePem'?: (string);
  'caPem'?: (string);
  'certificateNotAfterUnixMs'?: (number | string | Long);
}

export interface EnrollResponse__Output {
  'hostId': (string);
  'certificatePem': (string);
  'caPem': (string);
  'certificateNotAfterUnixMs': (number);
}
