// Original file: proto/nephele/v1/monitor.proto

import type { ControlActionKind as _nephele_v1_ControlActionKind, ControlActionKind__Output as _nephele_v1_ControlActionKind__Output } from '../../nephele/v1/ControlActionKind.js';
import type { Long } from '@grpc/proto-loader';

export interface ListControlActionsRequest {
  'vmId'?: (string);
  'setId'?: (string);
  'tenant'?: (string);
  'kind'?: (_nephele_v1_ControlActionKind);
  'trigger'?: (string);
  'sinceUnixMs'?: (number | string | Long);
  'pageSize'?: (number);
  'pageToken'?: (string);
}

export interface ListControlActionsRequest__Output {
  'vmId': (string);
  'setId': (string);
  'tenant': (string);
  'kind': (_nephele_v1_ControlActionKind__Output);
  'trigger': (string);
  'sinceUnixMs': (number);
  'pageSize': (number);
  'pageToken': (string);
}
