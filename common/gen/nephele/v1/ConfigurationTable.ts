// Original file: proto/nephele/v1/token.proto

import type { ConfigurationMember as _nephele_v1_ConfigurationMember, ConfigurationMember__Output as _nephele_v1_ConfigurationMember__Output } from '../../nephele/v1/ConfigurationMember.js';
import type { ImageVersion as _nephele_v1_ImageVersion, ImageVersion__Output as _nephele_v1_ImageVersion__Output } from '../../nephele/v1/ImageVersion.js';
import type { UpdateCycle as _nephele_v1_UpdateCycle, UpdateCycle__Output as _nephele_v1_UpdateCycle__Output } from '../../nephele/v1/UpdateCycle.js';
import type { Long } from '@grpc/proto-loader';

export interface ConfigurationTable {
  'setId'?: (string);
  'tenant'?: (string);
  'tokenId'?: (string);
  'tokenLive'?: (boolean);
  'imageId'?: (string);
  'count'?: (number);
  'expiresUnixMs'?: (number | string | Long);
  'members'?: (_nephele_v1_ConfigurationMember)[];
  'images'?: (_nephele_v1_ImageVersion)[];
  'cycles'?: (_nephele_v1_UpdateCycle)[];
}

export interface ConfigurationTable__Output {
  'setId': (string);
  'tenant': (string);
  'tokenId': (string);
  'tokenLive': (boolean);
  'imageId': (string);
  'count': (number);
  'expiresUnixMs': (number);
  'members': (_nephele_v1_ConfigurationMember__Output)[];
  'images': (_nephele_v1_ImageVersion__Output)[];
  'cycles': (_nephele_v1_UpdateCycle__Output)[];
}
