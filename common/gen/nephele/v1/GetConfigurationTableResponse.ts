// Original file: proto/nephele/v1/token.proto

import type { ConfigurationTable as _nephele_v1_ConfigurationTable, ConfigurationTable__Output as _nephele_v1_ConfigurationTable__Output } from '../../nephele/v1/ConfigurationTable.js';

export interface GetConfigurationTableResponse {
  'table'?: (_nephele_v1_ConfigurationTable | null);
}

export interface GetConfigurationTableResponse__Output {
  'table': (_nephele_v1_ConfigurationTable__Output | null);
}
