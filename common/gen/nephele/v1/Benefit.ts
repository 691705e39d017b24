// Original file: proto/nephele/v1/reclass.proto

import type { Long } from '@grpc/proto-loader';

export interface Benefit {
  'projectedCpuP95Pct'?: (number | string);
  'projectedMemoryP95Pct'?: (number | string);
  'headroomTargetPct'?: (number | string);
  'riskPct'?: (number | string);
  'costPerHourNow'?: (number | string);
  'costPerHourTarget'?: (number | string);
  'costDeltaPerMonth'?: (number | string);
  'currency'?: (string);
  'rateCardVersion'?: (number | string | Long);
  'moves'?: (number);
  'score'?: (number | string);
}

export interface Benefit__Output {
  'projectedCpuP95Pct': (number);
  'projectedMemoryP95Pct': (number);
  'headroomTargetPct': (number);
  'riskPct': (number);
  'costPerHourNow': (number);
  'costPerHourTarget': (number);
  'costDeltaPerMonth': (number);
  'currency': (string);
  'rateCardVersion': (number);
  'moves': (number);
  'score': (number);
}
