// Original file: proto/nephele/v1/monitor.proto

import type { ApplianceState as _nephele_v1_ApplianceState, ApplianceState__Output as _nephele_v1_ApplianceState__Output } from '../../nephele/v1/ApplianceState.js';
import type { PolledMark as _nephele_v1_PolledMark, PolledMark__Output as _nephele_v1_PolledMark__Output } from '../../nephele/v1/PolledMark.js';
import type { Long } from '@grpc/proto-loader';

export interface ApplianceReport {
  'changed'?: (_nephele_v1_ApplianceState)[];
  'polled'?: (_nephele_v1_PolledMark)[];
  'timeUnixMs'?: (number | string | Long);
}

export interface ApplianceReport__Output {
  'changed': (_nephele_v1_ApplianceState__Output)[];
  'polled': (_nephele_v1_PolledMark__Output)[];
  'timeUnixMs': (number);
}
