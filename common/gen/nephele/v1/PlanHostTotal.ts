// Original file: proto/nephele/v1/vm.proto

import type { Long } from '@grpc/proto-loader';

export interface PlanHostTotal {
  'hostId'?: (string);
  'hostName'?: (string);
  'vms'?: (number);
  'vcpus'?: (number);
  'memoryBytes'?: (number | string | Long);
  'diskBytes'?: (number | string | Long);
}

export interface PlanHostTotal__Output {
  'hostId': (string);
  'hostName': (string);
  'vms': (number);
  'vcpus': (number);
  'memoryBytes': (number);
  'diskBytes': (number);
}
