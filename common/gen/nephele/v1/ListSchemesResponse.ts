// Original file: proto/nephele/v1/scheme.proto

import type { Scheme as _nephele_v1_Scheme, Scheme__Output as _nephele_v1_Scheme__Output } from '../../nephele/v1/Scheme.js';

export interface ListSchemesResponse {
  'schemes'?: (_nephele_v1_Scheme)[];
}

export interface ListSchemesResponse__Output {
  'schemes': (_nephele_v1_Scheme__Output)[];
}
