// Original file: proto/nephele/v1/vm.proto

import type { VmSetSpec as _nephele_v1_VmSetSpec, VmSetSpec__Output as _nephele_v1_VmSetSpec__Output } from '../../nephele/v1/VmSetSpec.js';
import type { VmSetState as _nephele_v1_VmSetState, VmSetState__Output as _nephele_v1_VmSetState__Output } from '../../nephele/v1/VmSetState.js';
import type { Long } from '@grpc/proto-loader';

export interface VmSet {
  'id'?: (string);
  'tenant'?: (string);
  'request'?: (_nephele_v1_VmSetSpec | null);
  'state'?: (_nephele_v1_VmSetState);
  'stateReason'?: (string);
  'count'?: (number);
  'placed'?: (number);
  'confirmed'?: (number);
  'running'?: (number);
  'reasons'?: (string)[];
  'createdUnixMs'?: (number | string | Long);
  'startedUnixMs'?: (number | string | Long);
  'expiresUnixMs'?: (number | string | Long);
  'windowEndsUnixMs'?: (number | string | Long);
  'retiredUnixMs'?: (number | string | Long);
  'version'?: (number | string | Long);
  'failed'?: (number);
}

export interface VmSet__Output {
  'id': (string);
  'tenant': (string);
  'request': (_nephele_v1_VmSetSpec__Output | null);
  'state': (_nephele_v1_VmSetState__Output);
  'stateReason': (string);
  'count': (number);
  'placed': (number);
  'confirmed': (number);
  'running': (number);
  'reasons': (string)[];
  'createdUnixMs': (number);
  'startedUnixMs': (number);
  'expiresUnixMs': (number);
  'windowEndsUnixMs': (number);
  'retiredUnixMs': (number);
  'version': (number);
  'failed': (number);
}
