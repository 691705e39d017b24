// Original file: proto/nephele/v1/token.proto

import type { CycleState as _nephele_v1_CycleState, CycleState__Output as _nephele_v1_CycleState__Output } from '../../nephele/v1/CycleState.js';
import type { CycleStep as _nephele_v1_CycleStep, CycleStep__Output as _nephele_v1_CycleStep__Output } from '../../nephele/v1/CycleStep.js';
import type { ConfigureManagementInstanceRequest as _nephele_v1_ConfigureManagementInstanceRequest, ConfigureManagementInstanceRequest__Output as _nephele_v1_ConfigureManagementInstanceRequest__Output } from '../../nephele/v1/ConfigureManagementInstanceRequest.js';
import type { UpdateOptions as _nephele_v1_UpdateOptions, UpdateOptions__Output as _nephele_v1_UpdateOptions__Output } from '../../nephele/v1/UpdateOptions.js';
import type { Long } from '@grpc/proto-loader';

export interface UpdateCycle {
  'id'?: (string);
  'tenant'?: (string);
  'setId'?: (string);
  'newSetId'?: (string);
  'tokenId'?: (string);
  'imageId'?: (string);
  'parentImageId'?: (string);
  'state'?: (_nephele_v1_CycleState);
  'steps'?: (_nephele_v1_CycleStep)[];
  'changes'?: (_nephele_v1_ConfigureManagementInstanceRequest | null);
  'options'?: (_nephele_v1_UpdateOptions | null);
  'reason'?: (string);
  'createdUnixMs'?: (number | string | Long);
  'endedUnixMs'?: (number | string | Long);
  'version'?: (number | string | Long);
  'vmId'?: (string);
}

export interface UpdateCycle__Output {
  'id': (string);
  'tenant': (string);
  'setId': (string);
  'newSetId': (string);
  'tokenId': (string);
  'imageId': (string);
  'parentImageId': (string);
  'state': (_nephele_v1_CycleState__Output);
  'steps': (_nephele_v1_CycleStep__Output)[];
  'changes': (_nephele_v1_ConfigureManagementInstanceRequest__Output | null);
  'options': (_nephele_v1_UpdateOptions__Output | null);
  'reason': (string);
  'createdUnixMs': (number);
  'endedUnixMs': (number);
  'version': (number);
  'vmId': (string);
}
