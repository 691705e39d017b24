// Original file: proto/nephele/v1/monitor.proto

import type { LadderStep as _nephele_v1_LadderStep, LadderStep__Output as _nephele_v1_LadderStep__Output } from '../../nephele/v1/LadderStep.js';

export interface LadderRung {
  'step'?: (_nephele_v1_LadderStep);
  'times'?: (number);
}

export interface LadderRung__Output {
  'step': (_nephele_v1_LadderStep__Output);
  'times': (number);
}
