// Original file: proto/nephele/v1/scheme.proto

import type { Vm as _nephele_v1_Vm, Vm__Output as _nephele_v1_Vm__Output } from '../../nephele/v1/Vm.js';

export interface MigrateAcrossSchemesResponse {
  'vm'?: (_nephele_v1_Vm | null);
  'fromScheme'?: (string);
  'fromHostId'?: (string);
  'diskConverted'?: (boolean);
  'seconds'?: (number | string);
}

export interface MigrateAcrossSchemesResponse__Output {
  'vm': (_nephele_v1_Vm__Output | null);
  'fromScheme': (string);
  'fromHostId': (string);
  'diskConverted': (boolean);
  'seconds': (number);
}
