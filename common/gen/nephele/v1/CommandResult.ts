// Original file: proto/nephele/v1/agent.proto

import type { ImageFormat as _nephele_v1_ImageFormat, ImageFormat__Output as _nephele_v1_ImageFormat__Output } from '../../nephele/v1/ImageFormat.js';
import type { ApplianceState as _nephele_v1_ApplianceState, ApplianceState__Output as _nephele_v1_ApplianceState__Output } from '../../nephele/v1/ApplianceState.js';
import type { Long } from '@grpc/proto-loader';

export interface CommandResult {
  'commandId'?: (string);
  'ok'?: (boolean);
  'error'?: (string);
  'tokenSha256'?: (string);
  'sha256'?: (string);
  'sizeBytes'?: (number | string | Long);
  'format'?: (_nephele_v1_ImageFormat);
  'detail'?: (string);
  'httpStatus'?: (number);
  'appliance'?: (_nephele_v1_ApplianceState | null);
  'manifestJson'?: (string);
}

export interface CommandResult__Output {
  'commandId': (string);
  'ok': (boolean);
  'error': (string);
  'tokenSha256': (string);
  'sha256': (string);
  'sizeBytes': (number);
  'format': (_nephele_v1_ImageFormat__Output);
  'detail': (string);
  'httpStatus': (number);
  'appliance': (_nephele_v1_ApplianceState__Output | null);
  'manifestJson': (string);
}
