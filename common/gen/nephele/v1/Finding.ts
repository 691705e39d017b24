// Original file: proto/nephele/v1/reclass.proto

import type { FindingKind as _nephele_v1_FindingKind, FindingKind__Output as _nephele_v1_FindingKind__Output } from '../../nephele/v1/FindingKind.js';

export interface Finding {
  'kind'?: (_nephele_v1_FindingKind);
  'resource'?: (string);
  'observed'?: (number | string);
  'allocated'?: (number | string);
  'threshold'?: (number | string);
  'detail'?: (string);
}

export interface Finding__Output {
  'kind': (_nephele_v1_FindingKind__Output);
  'resource': (string);
  'observed': (number);
  'allocated': (number);
  'threshold': (number);
  'detail': (string);
}
