// Original file: proto/nephele/v1/token.proto

import type { ConfigureManagementInstanceRequest as _nephele_v1_ConfigureManagementInstanceRequest, ConfigureManagementInstanceRequest__Output as _nephele_v1_ConfigureManagementInstanceRequest__Output } from '../../nephele/v1/ConfigureManagementInstanceRequest.js';
import type { UpdateOptions as _nephele_v1_UpdateOptions, UpdateOptions__Output as _nephele_v1_UpdateOptions__Output } from '../../nephele/v1/UpdateOptions.js';

export interface UpdateVmSetRequest {
  'setId'?: (string);
  'changes'?: (_nephele_v1_ConfigureManagementInstanceRequest | null);
  'options'?: (_nephele_v1_UpdateOptions | null);
  'requestId'?: (string);
}

export interface UpdateVmSetRequest__Output {
  'setId': (string);
  'changes': (_nephele_v1_ConfigureManagementInstanceRequest__Output | null);
  'options': (_nephele_v1_UpdateOptions__Output | null);
  'requestId': (string);
}
