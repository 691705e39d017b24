// Original file: proto/nephele/v1/vm.proto

import type { PlanRow as _nephele_v1_PlanRow, PlanRow__Output as _nephele_v1_PlanRow__Output } from '../../nephele/v1/PlanRow.js';
import type { PlanHostTotal as _nephele_v1_PlanHostTotal, PlanHostTotal__Output as _nephele_v1_PlanHostTotal__Output } from '../../nephele/v1/PlanHostTotal.js';

export interface Plan {
  'setId'?: (string);
  'rows'?: (_nephele_v1_PlanRow)[];
  'hosts'?: (_nephele_v1_PlanHostTotal)[];
  'placed'?: (number);
  'unplaced'?: (number);
  'reasons'?: (string)[];
  'hostsConsidered'?: (number);
}

export interface Plan__Output {
  'setId': (string);
  'rows': (_nephele_v1_PlanRow__Output)[];
  'hosts': (_nephele_v1_PlanHostTotal__Output)[];
  'placed': (number);
  'unplaced': (number);
  'reasons': (string)[];
  'hostsConsidered': (number);
}
