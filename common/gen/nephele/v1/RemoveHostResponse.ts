// Original file: proto/nephele/v1/host.proto

import type { Host as _nephele_v1_Host, Host__Output as _nephele_v1_Host__Output } from '../../nephele/v1/Host.js';

export interface RemoveHostResponse {
  'host'?: (_nephele_v1_Host | null);
}

export interface RemoveHostResponse__Output {
  'host': (_nephele_v1_Host__Output | null);
}
