// Original file: proto/nephele/v1/usage.proto

import type { Sla as _nephele_v1_Sla, Sla__Output as _nephele_v1_Sla__Output } from '../../nephele/v1/Sla.js';

export interface Rate {
  'vmClass'?: (string);
  'sla'?: (_nephele_v1_Sla);
  'vcpuHour'?: (number | string);
  'memoryGibHour'?: (number | string);
  'diskIoGb'?: (number | string);
  'networkGb'?: (number | string);
  'monitorKPolls'?: (number | string);
  'monitorProbeHour'?: (number | string);
  'monitorAction'?: (number | string);
}

export interface Rate__Output {
  'vmClass': (string);
  'sla': (_nephele_v1_Sla__Output);
  'vcpuHour': (number);
  'memoryGibHour': (number);
  'diskIoGb': (number);
  'networkGb': (number);
  'monitorKPolls': (number);
  'monitorProbeHour': (number);
  'monitorAction': (number);
}
