// Original file: proto/nephele/v1/reclass.proto

import type { Percentiles as _nephele_v1_Percentiles, Percentiles__Output as _nephele_v1_Percentiles__Output } from '../../nephele/v1/Percentiles.js';
import type { Long } from '@grpc/proto-loader';

export interface UsageProfile {
  'cpuVcpus'?: (_nephele_v1_Percentiles | null);
  'memoryMib'?: (_nephele_v1_Percentiles | null);
  'diskIoMbps'?: (_nephele_v1_Percentiles | null);
  'netMbps'?: (_nephele_v1_Percentiles | null);
  'dataHours'?: (number);
  'gapHours'?: (number);
  'sufficient'?: (boolean);
  'idle'?: (boolean);
  'oomKills'?: (number | string | Long);
  'throttledSeconds'?: (number | string);
}

export interface UsageProfile__Output {
  'cpuVcpus': (_nephele_v1_Percentiles__Output | null);
  'memoryMib': (_nephele_v1_Percentiles__Output | null);
  'diskIoMbps': (_nephele_v1_Percentiles__Output | null);
  'netMbps': (_nephele_v1_Percentiles__Output | null);
  'dataHours': (number);
  'gapHours': (number);
  'sufficient': (boolean);
  'idle': (boolean);
  'oomKills': (number);
  'throttledSeconds': (number);
}
