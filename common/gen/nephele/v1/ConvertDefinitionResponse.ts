// Original file: proto/nephele/v1/scheme.proto

import type { LossyField as _nephele_v1_LossyField, LossyField__Output as _nephele_v1_LossyField__Output } from '../../nephele/v1/LossyField.js';

export interface ConvertDefinitionResponse {
  'text'?: (string);
  'lossy'?: (_nephele_v1_LossyField)[];
  'canonicalJson'?: (string);
}

export interface ConvertDefinitionResponse__Output {
  'text': (string);
  'lossy': (_nephele_v1_LossyField__Output)[];
  'canonicalJson': (string);
}
