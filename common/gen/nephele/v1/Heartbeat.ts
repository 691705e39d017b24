// Original file: proto/nephele/v1/agent.proto

import type { HostLoad as _nephele_v1_HostLoad, HostLoad__Output as _nephele_v1_HostLoad__Output } from '../../nephele/v1/HostLoad.js';
import type { Capacity as _nephele_v1_Capacity, Capacity__Output as _nephele_v1_Capacity__Output } from '../../nephele/v1/Capacity.js';
import type { OwnerState as _nephele_v1_OwnerState, OwnerState__Output as _nephele_v1_OwnerState__Output } from '../../nephele/v1/OwnerState.js';
import type { Long } from '@grpc/proto-loader';

export interface Heartbeat {
  'beat'?: (number | string | Long);
  'load'?: (_nephele_v1_HostLoad | null);
  'free'?: (_nephele_v1_Capacity | null);
  'owner'?: (_nephele_v1_OwnerState);
}

export interface Heartbeat__Output {
  'beat': (number);
  'load': (_nephele_v1_HostLoad__Output | null);
  'free': (_nephele_v1_Capacity__Output | null);
  'owner': (_nephele_v1_OwnerState__Output);
}
