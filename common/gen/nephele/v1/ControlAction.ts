// Original file: proto/nephele/v1/monitor.proto

import type { ControlActionKind as _nephele_v1_ControlActionKind, ControlActionKind__Output as _nephele_v1_ControlActionKind__Output } from '../../nephele/v1/ControlActionKind.js';
import type { ActionOutcome as _nephele_v1_ActionOutcome, ActionOutcome__Output as _nephele_v1_ActionOutcome__Output } from '../../nephele/v1/ActionOutcome.js';
import type { Long } from '@grpc/proto-loader';

export interface ControlAction {
  'id'?: (string);
  'vmId'?: (string);
  'setId'?: (string);
  'tenant'?: (string);
  'kind'?: (_nephele_v1_ControlActionKind);
  'cause'?: (string);
  'trigger'?: (string);
  'attempt'?: (number);
  'outcome'?: (_nephele_v1_ActionOutcome);
  'detail'?: (string);
  'principal'?: (string);
  'createdUnixMs'?: (number | string | Long);
  'endedUnixMs'?: (number | string | Long);
  'pid'?: (number);
  'version'?: (string);
  'hostId'?: (string);
}

export interface ControlAction__Output {
  'id': (string);
  'vmId': (string);
  'setId': (string);
  'tenant': (string);
  'kind': (_nephele_v1_ControlActionKind__Output);
  'cause': (string);
  'trigger': (string);
  'attempt': (number);
  'outcome': (_nephele_v1_ActionOutcome__Output);
  'detail': (string);
  'principal': (string);
  'createdUnixMs': (number);
  'endedUnixMs': (number);
  'pid': (number);
  'version': (string);
  'hostId': (string);
}
