// Original file: proto/nephele/v1/agent.proto

import type { ConfigFile as _nephele_v1_ConfigFile, ConfigFile__Output as _nephele_v1_ConfigFile__Output } from '../../nephele/v1/ConfigFile.js';

export interface ApplyConfig {
  'config'?: ({[key: string]: string});
  'files'?: (_nephele_v1_ConfigFile)[];
  'applianceVersion'?: (string);
}

export interface ApplyConfig__Output {
  'config': ({[key: string]: string});
  'files': (_nephele_v1_ConfigFile__Output)[];
  'applianceVersion': (string);
}
