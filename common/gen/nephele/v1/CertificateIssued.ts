// Original file: proto/nephele/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface CertificateIssued {
  'certificatePem'?: (string);
  'notAfterUnixMs'?: (number | string | Long);
}

export interface CertificateIssued__Output {
  'certificatePem': (string);
  'notAfterUnixMs': (number);
}
