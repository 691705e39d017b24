// Original file: proto/nephele/v1/usage.proto

import type { VmSet as _nephele_v1_VmSet, VmSet__Output as _nephele_v1_VmSet__Output } from '../../nephele/v1/VmSet.js';

export interface FailoverBackupResponse {
  'sets'?: (_nephele_v1_VmSet)[];
}

export interface FailoverBackupResponse__Output {
  'sets': (_nephele_v1_VmSet__Output)[];
}
