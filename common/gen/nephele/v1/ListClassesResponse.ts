// Original file: proto/nephele/v1/reclass.proto

import type { VmClass as _nephele_v1_VmClass, VmClass__Output as _nephele_v1_VmClass__Output } from '../../nephele/v1/VmClass.js';

export interface ListClassesResponse {
  'classes'?: (_nephele_v1_VmClass)[];
  'currency'?: (string);
}

export interface ListClassesResponse__Output {
  'classes': (_nephele_v1_VmClass__Output)[];
  'currency': (string);
}
