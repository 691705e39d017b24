// Original file: proto/nephele/v1/types.proto

import type { HostKind as _nephele_v1_HostKind, HostKind__Output as _nephele_v1_HostKind__Output } from '../../nephele/v1/HostKind.js';
import type { HostState as _nephele_v1_HostState, HostState__Output as _nephele_v1_HostState__Output } from '../../nephele/v1/HostState.js';
import type { Inventory as _nephele_v1_Inventory, Inventory__Output as _nephele_v1_Inventory__Output } from '../../nephele/v1/Inventory.js';
import type { Capacity as _nephele_v1_Capacity, Capacity__Output as _nephele_v1_Capacity__Output } from '../../nephele/v1/Capacity.js';
import type { HostLoad as _nephele_v1_HostLoad, HostLoad__Output as _nephele_v1_HostLoad__Output } from '../../nephele/v1/HostLoad.js';
import type { OwnerState as _nephele_v1_OwnerState, OwnerState__Output as _nephele_v1_OwnerState__Output } from '../../nephele/v1/OwnerState.js';
import type { SchemeInfo as _nephele_v1_SchemeInfo, SchemeInfo__Output as _nephele_v1_SchemeInfo__Output } from '../../nephele/v1/SchemeInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface Host {
  'id'?: (string);
  'name'?: (string);
  'kind'?: (_nephele_v1_HostKind);
  'state'?: (_nephele_v1_HostState);
  'stateReason'?: (string);
  'stateChangedUnixMs'?: (number | string | Long);
  'cordoned'?: (boolean);
  'cordonReason'?: (string);
  'groups'?: (string)[];
  'addresses'?: (string)[];
  'agentVersion'?: (string);
  'schemes'?: (string)[];
  'inventory'?: (_nephele_v1_Inventory | null);
  'free'?: (_nephele_v1_Capacity | null);
  'load'?: (_nephele_v1_HostLoad | null);
  'enrolledUnixMs'?: (number | string | Long);
  'lastSeenUnixMs'?: (number | string | Long);
  'heartbeatIntervalMs'?: (number);
  'labels'?: ({[key: string]: string});
  'peer'?: (string);
  'version'?: (number | string | Long);
  'revoked'?: (boolean);
  'revokedReason'?: (string);
  'certNotAfterUnixMs'?: (number | string | Long);
  'owner'?: (_nephele_v1_OwnerState);
  'offersGuarantees'?: (boolean);
  'allocated'?: (_nephele_v1_Capacity | null);
  'vmCount'?: (number);
  'schemeInfo'?: (_nephele_v1_SchemeInfo)[];
  'accelerator'?: (string);
}

export interface Host__Output {
  'id': (string);
  'name': (string);
  'kind': (_nephele_v1_HostKind__Output);
  'state': (_nephele_v1_HostState__Output);
  'stateReason': (string);
  'stateChangedUnixMs': (number);
  'cordoned': (boolean);
  'cordonReason': (string);
  'groups': (string)[];
  'addresses': (string)[];
  'agentVersion': (string);
  'schemes': (string)[];
  'inventory': (_nephele_v1_Inventory__Output | null);
  'free': (_nephele_v1_Capacity__Output | null);
  'load': (_nephele_v1_HostLoad__Output | null);
  'enrolledUnixMs': (number);
  'lastSeenUnixMs': (number);
  'heartbeatIntervalMs': (number);
  'labels': ({[key: string]: string});
  'peer': (string);
  'version': (number);
  'revoked': (boolean);
  'revokedReason': (string);
  'certNotAfterUnixMs': (number);
  'owner': (_nephele_v1_OwnerState__Output);
  'offersGuarantees': (boolean);
  'allocated': (_nephele_v1_Capacity__Output | null);
  'vmCount': (number);
  'schemeInfo': (_nephele_v1_SchemeInfo__Output)[];
  'accelerator': (string);
}
