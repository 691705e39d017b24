// Original file: proto/nephele/v1/token.proto

import type { ConfigFile as _nephele_v1_ConfigFile, ConfigFile__Output as _nephele_v1_ConfigFile__Output } from '../../nephele/v1/ConfigFile.js';
import type { Long } from '@grpc/proto-loader';

export interface ConfigChange {
  'version'?: (number);
  'timeUnixMs'?: (number | string | Long);
  'config'?: ({[key: string]: string});
  'files'?: (_nephele_v1_ConfigFile)[];
  'applianceVersion'?: (string);
  'vcpus'?: (number);
  'memoryMib'?: (number);
  'diskGib'?: (number);
  'principal'?: (string);
}

export interface ConfigChange__Output {
  'version': (number);
  'timeUnixMs': (number);
  'config': ({[key: string]: string});
  'files': (_nephele_v1_ConfigFile__Output)[];
  'applianceVersion': (string);
  'vcpus': (number);
  'memoryMib': (number);
  'diskGib': (number);
  'principal': (string);
}
