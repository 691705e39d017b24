// Original file: proto/nephele/v1/token.proto

import type { ConfigFile as _nephele_v1_ConfigFile, ConfigFile__Output as _nephele_v1_ConfigFile__Output } from '../../nephele/v1/ConfigFile.js';

export interface ConfigureManagementInstanceRequest {
  'token'?: (string);
  'config'?: ({[key: string]: string});
  'files'?: (_nephele_v1_ConfigFile)[];
  'applianceVersion'?: (string);
  'vcpus'?: (number);
  'memoryMib'?: (number);
  'diskGib'?: (number);
  'requestId'?: (string);
}

export interface ConfigureManagementInstanceRequest__Output {
  'token': (string);
  'config': ({[key: string]: string});
  'files': (_nephele_v1_ConfigFile__Output)[];
  'applianceVersion': (string);
  'vcpus': (number);
  'memoryMib': (number);
  'diskGib': (number);
  'requestId': (string);
}
