// Original file: proto/nephele/v1/usage.proto

import type { VmUsage as _nephele_v1_VmUsage, VmUsage__Output as _nephele_v1_VmUsage__Output } from '../../nephele/v1/VmUsage.js';
import type { Long } from '@grpc/proto-loader';

export interface UsageBatch {
  'seq'?: (number | string | Long);
  'epoch'?: (string);
  'records'?: (_nephele_v1_VmUsage)[];
  'timeUnixMs'?: (number | string | Long);
}

export interface UsageBatch__Output {
  'seq': (number);
  'epoch': (string);
  'records': (_nephele_v1_VmUsage__Output)[];
  'timeUnixMs': (number);
}
