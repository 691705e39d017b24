// Original file: proto/nephele/v1/reclass.proto

import type { Long } from '@grpc/proto-loader';

export interface OfferTargetsRequest {
  'minVcpus'?: (number);
  'minMemoryMib'?: (number | string | Long);
  'features'?: (string)[];
  'limit'?: (number);
}

export interface OfferTargetsRequest__Output {
  'minVcpus': (number);
  'minMemoryMib': (number);
  'features': (string)[];
  'limit': (number);
}
