// Original file: proto/nephele/v1/agent.proto

import type { TokenPut as _nephele_v1_TokenPut, TokenPut__Output as _nephele_v1_TokenPut__Output } from '../../nephele/v1/TokenPut.js';
import type { TokenCheck as _nephele_v1_TokenCheck, TokenCheck__Output as _nephele_v1_TokenCheck__Output } from '../../nephele/v1/TokenCheck.js';
import type { TokenRemove as _nephele_v1_TokenRemove, TokenRemove__Output as _nephele_v1_TokenRemove__Output } from '../../nephele/v1/TokenRemove.js';
import type { CaptureDisk as _nephele_v1_CaptureDisk, CaptureDisk__Output as _nephele_v1_CaptureDisk__Output } from '../../nephele/v1/CaptureDisk.js';
import type { ApplyConfig as _nephele_v1_ApplyConfig, ApplyConfig__Output as _nephele_v1_ApplyConfig__Output } from '../../nephele/v1/ApplyConfig.js';
import type { ProbeAppliance as _nephele_v1_ProbeAppliance, ProbeAppliance__Output as _nephele_v1_ProbeAppliance__Output } from '../../nephele/v1/ProbeAppliance.js';
import type { AppAction as _nephele_v1_AppAction, AppAction__Output as _nephele_v1_AppAction__Output } from '../../nephele/v1/AppAction.js';
import type { ReadManifest as _nephele_v1_ReadManifest, ReadManifest__Output as _nephele_v1_ReadManifest__Output } from '../../nephele/v1/ReadManifest.js';
import type { Long } from '@grpc/proto-loader';

export interface AgentCommand {
  'commandId'?: (string);
  'vmId'?: (string);
  'generation'?: (number | string | Long);
  'tokenPut'?: (_nephele_v1_TokenPut | null);
  'tokenCheck'?: (_nephele_v1_TokenCheck | null);
  'tokenRemove'?: (_nephele_v1_TokenRemove | null);
  'capture'?: (_nephele_v1_CaptureDisk | null);
  'configure'?: (_nephele_v1_ApplyConfig | null);
  'probe'?: (_nephele_v1_ProbeAppliance | null);
  'app'?: (_nephele_v1_AppAction | null);
  'readManifest'?: (_nephele_v1_ReadManifest | null);
  'op'?: "tokenPut"|"tokenCheck"|"tokenRemove"|"capture"|"configure"|"probe"|"app"|"readManifest";
}

export interface AgentCommand__Output {
  'commandId': (string);
  'vmId': (string);
  'generation': (number);
  'tokenPut'?: (_nephele_v1_TokenPut__Output | null);
  'tokenCheck'?: (_nephele_v1_TokenCheck__Output | null);
  'tokenRemove'?: (_nephele_v1_TokenRemove__Output | null);
  'capture'?: (_nephele_v1_CaptureDisk__Output | null);
  'configure'?: (_nephele_v1_ApplyConfig__Output | null);
  'probe'?: (_nephele_v1_ProbeAppliance__Output | null);
  'app'?: (_nephele_v1_AppAction__Output | null);
  'readManifest'?: (_nephele_v1_ReadManifest__Output | null);
  'op'?: "tokenPut"|"tokenCheck"|"tokenRemove"|"capture"|"configure"|"probe"|"app"|"readManifest";
}
