// Original file: proto/nephele/v1/reclass.proto

import type { TargetKind as _nephele_v1_TargetKind, TargetKind__Output as _nephele_v1_TargetKind__Output } from '../../nephele/v1/TargetKind.js';
import type { Long } from '@grpc/proto-loader';

export interface Target {
  'kind'?: (_nephele_v1_TargetKind);
  'vmId'?: (string);
  'vmClass'?: (string);
  'vcpus'?: (number);
  'memoryMib'?: (number | string | Long);
  'diskGib'?: (number);
  'features'?: (string)[];
  'hostId'?: (string);
  'peer'?: (string);
}

export interface Target__Output {
  'kind': (_nephele_v1_TargetKind__Output);
  'vmId': (string);
  'vmClass': (string);
  'vcpus': (number);
  'memoryMib': (number);
  'diskGib': (number);
  'features': (string)[];
  'hostId': (string);
  'peer': (string);
}
