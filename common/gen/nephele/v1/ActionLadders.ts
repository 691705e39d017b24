// Original file: proto/nephele/v1/monitor.proto

import type { LadderRung as _nephele_v1_LadderRung, LadderRung__Output as _nephele_v1_LadderRung__Output } from '../../nephele/v1/LadderRung.js';

export interface ActionLadders {
  'faulted'?: (_nephele_v1_LadderRung)[];
  'rogue'?: (_nephele_v1_LadderRung)[];
  'outdated'?: (_nephele_v1_LadderRung)[];
  'backoffS'?: (number);
}

export interface ActionLadders__Output {
  'faulted': (_nephele_v1_LadderRung__Output)[];
  'rogue': (_nephele_v1_LadderRung__Output)[];
  'outdated': (_nephele_v1_LadderRung__Output)[];
  'backoffS': (number);
}
