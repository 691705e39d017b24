// Original file: proto/nephele/v1/vm.proto

import type { VmSpec as _nephele_v1_VmSpec, VmSpec__Output as _nephele_v1_VmSpec__Output } from '../../nephele/v1/VmSpec.js';
import type { DesiredVmState as _nephele_v1_DesiredVmState, DesiredVmState__Output as _nephele_v1_DesiredVmState__Output } from '../../nephele/v1/DesiredVmState.js';
import type { VmState as _nephele_v1_VmState, VmState__Output as _nephele_v1_VmState__Output } from '../../nephele/v1/VmState.js';
import type { Sla as _nephele_v1_Sla, Sla__Output as _nephele_v1_Sla__Output } from '../../nephele/v1/Sla.js';
import type { Long } from '@grpc/proto-loader';

export interface Vm {
  'id'?: (string);
  'name'?: (string);
  'tenant'?: (string);
  'hostId'?: (string);
  'spec'?: (_nephele_v1_VmSpec | null);
  'desired'?: (_nephele_v1_DesiredVmState);
  'state'?: (_nephele_v1_VmState);
  'stateReason'?: (string);
  'stateChangedUnixMs'?: (number | string | Long);
  'createdUnixMs'?: (number | string | Long);
  'generation'?: (number | string | Long);
  'rebootCount'?: (number);
  'hostPort'?: (number);
  'guestReady'?: (boolean);
  'version'?: (number | string | Long);
  'setId'?: (string);
  'sla'?: (_nephele_v1_Sla);
  'placedUnixMs'?: (number | string | Long);
  'confirmedUnixMs'?: (number | string | Long);
  'placementAttempts'?: (number);
  'taskDone'?: (boolean);
  'hostName'?: (string);
  'app'?: (string);
  'userGroup'?: (string);
}

export interface Vm__Output {
  'id': (string);
  'name': (string);
  'tenant': (string);
  'hostId': (string);
  'spec': (_nephele_v1_VmSpec__Output | null);
  'desired': (_nephele_v1_DesiredVmState__Output);
  'state': (_nephele_v1_VmState__Output);
  'stateReason': (string);
  'stateChangedUnixMs': (number);
  'createdUnixMs': (number);
  'generation': (number);
  'rebootCount': (number);
  'hostPort': (number);
  'guestReady': (boolean);
  'version': (number);
  'setId': (string);
  'sla': (_nephele_v1_Sla__Output);
  'placedUnixMs': (number);
  'confirmedUnixMs': (number);
  'placementAttempts': (number);
  'taskDone': (boolean);
  'hostName': (string);
  'app': (string);
  'userGroup': (string);
}
