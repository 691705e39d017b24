// Original file: proto/nephele/v1/reclass.proto

import type { OfferedVm as _nephele_v1_OfferedVm, OfferedVm__Output as _nephele_v1_OfferedVm__Output } from '../../nephele/v1/OfferedVm.js';

export interface OfferTargetsResponse {
  'vms'?: (_nephele_v1_OfferedVm)[];
  'currency'?: (string);
}

export interface OfferTargetsResponse__Output {
  'vms': (_nephele_v1_OfferedVm__Output)[];
  'currency': (string);
}
