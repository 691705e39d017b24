// Original file: proto/nephele/v1/reclass.proto

import type { VmClass as _nephele_v1_VmClass, VmClass__Output as _nephele_v1_VmClass__Output } from '../../nephele/v1/VmClass.js';

export interface DefineClassRequest {
  'vmClass'?: (_nephele_v1_VmClass | null);
  'requestId'?: (string);
}

export interface DefineClassRequest__Output {
  'vmClass': (_nephele_v1_VmClass__Output | null);
  'requestId': (string);
}
