// Original file: proto/nephele/v1/scheme.proto

import type { DefinitionFormat as _nephele_v1_DefinitionFormat, DefinitionFormat__Output as _nephele_v1_DefinitionFormat__Output } from '../../nephele/v1/DefinitionFormat.js';

export interface ConvertDefinitionRequest {
  'from'?: (_nephele_v1_DefinitionFormat);
  'to'?: (_nephele_v1_DefinitionFormat);
  'text'?: (string);
}

export interface ConvertDefinitionRequest__Output {
  'from': (_nephele_v1_DefinitionFormat__Output);
  'to': (_nephele_v1_DefinitionFormat__Output);
  'text': (string);
}
