// Original file: proto/nephele/v1/reclass.proto

import type { Long } from '@grpc/proto-loader';

export interface VmClass {
  'name'?: (string);
  'vcpus'?: (number);
  'memoryMib'?: (number | string | Long);
  'diskGib'?: (number);
  'diskIoMbps'?: (number);
  'netMbps'?: (number);
  'features'?: (string)[];
  'pricePerHour'?: (number | string);
  'description'?: (string);
  'builtin'?: (boolean);
  'version'?: (number | string | Long);
  'updatedUnixMs'?: (number | string | Long);
}

export interface VmClass__Output {
  'name': (string);
  'vcpus': (number);
  'memoryMib': (number);
  'diskGib': (number);
  'diskIoMbps': (number);
  'netMbps': (number);
  'features': (string)[];
  'pricePerHour': (number);
  'description': (string);
  'builtin': (boolean);
  'version': (number);
  'updatedUnixMs': (number);
}
