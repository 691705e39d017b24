// Original file: proto/nephele/v1/monitor.proto

import type { Appliance as _nephele_v1_Appliance, Appliance__Output as _nephele_v1_Appliance__Output } from '../../nephele/v1/Appliance.js';

export interface ListAppliancesResponse {
  'appliances'?: (_nephele_v1_Appliance)[];
  'nextPageToken'?: (string);
}

export interface ListAppliancesResponse__Output {
  'appliances': (_nephele_v1_Appliance__Output)[];
  'nextPageToken': (string);
}
