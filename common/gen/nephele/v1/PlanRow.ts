// Original file: proto/nephele/v1/vm.proto

import type { Long } from '@grpc/proto-loader';

export interface PlanRow {
  'vmId'?: (string);
  'vmName'?: (string);
  'hostId'?: (string);
  'hostName'?: (string);
  'scheme'?: (string);
  'vcpus'?: (number);
  'memoryBytes'?: (number | string | Long);
  'diskBytes'?: (number | string | Long);
  'reservedUnixMs'?: (number | string | Long);
  'confirmedUnixMs'?: (number | string | Long);
  'status'?: (string);
  'attempts'?: (number);
  'reason'?: (string);
  'score'?: (number | string);
}

export interface PlanRow__Output {
  'vmId': (string);
  'vmName': (string);
  'hostId': (string);
  'hostName': (string);
  'scheme': (string);
  'vcpus': (number);
  'memoryBytes': (number);
  'diskBytes': (number);
  'reservedUnixMs': (number);
  'confirmedUnixMs': (number);
  'status': (string);
  'attempts': (number);
  'reason': (string);
  'score': (number);
}
