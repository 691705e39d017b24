// Original file: proto/nephele/v1/reclass.proto

import type { Long } from '@grpc/proto-loader';

export interface OfferedVm {
  'vmId'?: (string);
  'vcpus'?: (number);
  'memoryMib'?: (number | string | Long);
  'spareVcpus'?: (number | string);
  'spareMemoryMib'?: (number | string | Long);
  'features'?: (string)[];
  'scheme'?: (string);
  'pricePerHour'?: (number | string);
}

export interface OfferedVm__Output {
  'vmId': (string);
  'vcpus': (number);
  'memoryMib': (number);
  'spareVcpus': (number);
  'spareMemoryMib': (number);
  'features': (string)[];
  'scheme': (string);
  'pricePerHour': (number);
}
