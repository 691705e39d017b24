// Original file: proto/nephele/v1/monitor.proto

import type { ControlActionKind as _nephele_v1_ControlActionKind, ControlActionKind__Output as _nephele_v1_ControlActionKind__Output } from '../../nephele/v1/ControlActionKind.js';

export interface TakeControlActionRequest {
  'vmId'?: (string);
  'kind'?: (_nephele_v1_ControlActionKind);
  'pid'?: (number);
  'version'?: (string);
  'reason'?: (string);
  'requestId'?: (string);
}

export interface TakeControlActionRequest__Output {
  'vmId': (string);
  'kind': (_nephele_v1_ControlActionKind__Output);
  'pid': (number);
  'version': (string);
  'reason': (string);
  'requestId': (string);
}
