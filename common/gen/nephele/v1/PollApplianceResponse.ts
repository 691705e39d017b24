// Original file: proto/nephele/v1/monitor.proto

import type { Appliance as _nephele_v1_Appliance, Appliance__Output as _nephele_v1_Appliance__Output } from '../../nephele/v1/Appliance.js';

export interface PollApplianceResponse {
  'appliance'?: (_nephele_v1_Appliance | null);
}

export interface PollApplianceResponse__Output {
  'appliance': (_nephele_v1_Appliance__Output | null);
}
