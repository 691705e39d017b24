// Original file: proto/nephele/v1/agent.proto

import type { VmState as _nephele_v1_VmState, VmState__Output as _nephele_v1_VmState__Output } from '../../nephele/v1/VmState.js';
import type { Long } from '@grpc/proto-loader';

export interface VmStatusReport {
  'seq'?: (number | string | Long);
  'vmId'?: (string);
  'state'?: (_nephele_v1_VmState);
  'reason'?: (string);
  'generation'?: (number | string | Long);
  'hostPort'?: (number);
  'guestReady'?: (boolean);
  'timeUnixMs'?: (number | string | Long);
  'taskDone'?: (boolean);
  'epoch'?: (string);
}

export interface VmStatusReport__Output {
  'seq': (number);
  'vmId': (string);
  'state': (_nephele_v1_VmState__Output);
  'reason': (string);
  'generation': (number);
  'hostPort': (number);
  'guestReady': (boolean);
  'timeUnixMs': (number);
  'taskDone': (boolean);
  'epoch': (string);
}
