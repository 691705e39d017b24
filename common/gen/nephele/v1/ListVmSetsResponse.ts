// Original file: proto/nephele/v1/vm.proto

import type { VmSet as _nephele_v1_VmSet, VmSet__Output as _nephele_v1_VmSet__Output } from '../../nephele/v1/VmSet.js';

export interface ListVmSetsResponse {
  'sets'?: (_nephele_v1_VmSet)[];
  'nextPageToken'?: (string);
}

export interface ListVmSetsResponse__Output {
  'sets': (_nephele_v1_VmSet__Output)[];
  'nextPageToken': (string);
}
