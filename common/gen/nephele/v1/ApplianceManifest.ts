// Original file: proto/nephele/v1/reclass.proto

import type { Long } from '@grpc/proto-loader';

export interface ApplianceManifest {
  'minVcpus'?: (number);
  'maxVcpus'?: (number);
  'minMemoryMib'?: (number | string | Long);
  'maxMemoryMib'?: (number | string | Long);
  'requiredFeatures'?: (string)[];
  'netMbps'?: (number);
  'modules'?: (string)[];
  'source'?: (string);
}

export interface ApplianceManifest__Output {
  'minVcpus': (number);
  'maxVcpus': (number);
  'minMemoryMib': (number);
  'maxMemoryMib': (number);
  'requiredFeatures': (string)[];
  'netMbps': (number);
  'modules': (string)[];
  'source': (string);
}
