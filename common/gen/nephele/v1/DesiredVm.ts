// Original file: proto/nephele/v1/agent.proto

import type { VmSpec as _nephele_v1_VmSpec, VmSpec__Output as _nephele_v1_VmSpec__Output } from '../../nephele/v1/VmSpec.js';
import type { DesiredVmState as _nephele_v1_DesiredVmState, DesiredVmState__Output as _nephele_v1_DesiredVmState__Output } from '../../nephele/v1/DesiredVmState.js';
import type { MonitorSpec as _nephele_v1_MonitorSpec, MonitorSpec__Output as _nephele_v1_MonitorSpec__Output } from '../../nephele/v1/MonitorSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface DesiredVm {
  'vmId'?: (string);
  'name'?: (string);
  'spec'?: (_nephele_v1_VmSpec | null);
  'desired'?: (_nephele_v1_DesiredVmState);
  'generation'?: (number | string | Long);
  'rebootCount'?: (number);
  'exportDisk'?: (string);
  'importDisk'?: (string);
  'hidden'?: (boolean);
  'monitor'?: (_nephele_v1_MonitorSpec | null);
  'hardStop'?: (boolean);
  'exportFlat'?: (boolean);
}

export interface DesiredVm__Output {
  'vmId': (string);
  'name': (string);
  'spec': (_nephele_v1_VmSpec__Output | null);
  'desired': (_nephele_v1_DesiredVmState__Output);
  'generation': (number);
  'rebootCount': (number);
  'exportDisk': (string);
  'importDisk': (string);
  'hidden': (boolean);
  'monitor': (_nephele_v1_MonitorSpec__Output | null);
  'hardStop': (boolean);
  'exportFlat': (boolean);
}
