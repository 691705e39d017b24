// Original file: proto/nephele/v1/vm.proto

import type { VmSpec as _nephele_v1_VmSpec, VmSpec__Output as _nephele_v1_VmSpec__Output } from '../../nephele/v1/VmSpec.js';
import type { Sla as _nephele_v1_Sla, Sla__Output as _nephele_v1_Sla__Output } from '../../nephele/v1/Sla.js';
import type { SetAffinity as _nephele_v1_SetAffinity, SetAffinity__Output as _nephele_v1_SetAffinity__Output } from '../../nephele/v1/SetAffinity.js';
import type { PlacementStrategy as _nephele_v1_PlacementStrategy, PlacementStrategy__Output as _nephele_v1_PlacementStrategy__Output } from '../../nephele/v1/PlacementStrategy.js';
import type { Long } from '@grpc/proto-loader';

export interface VmSetSpec {
  'name'?: (string);
  'tenant'?: (string);
  'spec'?: (_nephele_v1_VmSpec | null);
  'count'?: (number);
  'sla'?: (_nephele_v1_Sla);
  'startAtUnixMs'?: (number | string | Long);
  'batchWindowS'?: (number);
  'durationS'?: (number);
  'endOnTask'?: (boolean);
  'group'?: (string);
  'labels'?: ({[key: string]: string});
  'affinity'?: (_nephele_v1_SetAffinity);
  'schemePreference'?: (string)[];
  'strategy'?: (_nephele_v1_PlacementStrategy);
  'app'?: (string);
  'userGroup'?: (string);
}

export interface VmSetSpec__Output {
  'name': (string);
  'tenant': (string);
  'spec': (_nephele_v1_VmSpec__Output | null);
  'count': (number);
  'sla': (_nephele_v1_Sla__Output);
  'startAtUnixMs': (number);
  'batchWindowS': (number);
  'durationS': (number);
  'endOnTask': (boolean);
  'group': (string);
  'labels': ({[key: string]: string});
  'affinity': (_nephele_v1_SetAffinity__Output);
  'schemePreference': (string)[];
  'strategy': (_nephele_v1_PlacementStrategy__Output);
  'app': (string);
  'userGroup': (string);
}
