// Original file: proto/nephele/v1/agent.proto

import type { HostKind as _nephele_v1_HostKind, HostKind__Output as _nephele_v1_HostKind__Output } from '../../nephele/v1/HostKind.js';
import type { OwnerState as _nephele_v1_OwnerState, OwnerState__Output as _nephele_v1_OwnerState__Output } from '../../nephele/v1/OwnerState.js';
import type { SchemeInfo as _nephele_v1_SchemeInfo, SchemeInfo__Output as _nephele_v1_SchemeInfo__Output } from '../../nephele/v1/SchemeInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface Hello {
  'agentVersion'?: (string);
  'kind'?: (_nephele_v1_HostKind);
  'hostname'?: (string);
  'schemes'?: (string)[];
  'inventoryHash'?: (string);
  'lastAckedSeq'?: (number | string | Long);
  'addresses'?: (string)[];
  'labels'?: ({[key: string]: string});
  'owner'?: (_nephele_v1_OwnerState);
  'offersGuarantees'?: (boolean);
  'schemeInfo'?: (_nephele_v1_SchemeInfo)[];
}

export interface Hello__Output {
  'agentVersion': (string);
  'kind': (_nephele_v1_HostKind__Output);
  'hostname': (string);
  'schemes': (string)[];
  'inventoryHash': (string);
  'lastAckedSeq': (number);
  'addresses': (string)[];
  'labels': ({[key: string]: string});
  'owner': (_nephele_v1_OwnerState__Output);
  'offersGuarantees': (boolean);
  'schemeInfo': (_nephele_v1_SchemeInfo__Output)[];
}
