// Original file: proto/nephele/v1/vm.proto

import type { VmSpec as _nephele_v1_VmSpec, VmSpec__Output as _nephele_v1_VmSpec__Output } from '../../nephele/v1/VmSpec.js';

export interface CreateVmRequest {
  'name'?: (string);
  'hostId'?: (string);
  'spec'?: (_nephele_v1_VmSpec | null);
  'tenant'?: (string);
  'requestId'?: (string);
  'app'?: (string);
  'userGroup'?: (string);
}

export interface CreateVmRequest__Output {
  'name': (string);
  'hostId': (string);
  'spec': (_nephele_v1_VmSpec__Output | null);
  'tenant': (string);
  'requestId': (string);
  'app': (string);
  'userGroup': (string);
}
