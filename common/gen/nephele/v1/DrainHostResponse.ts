// Original file: proto/nephele/v1/host.proto

import type { Host as _nephele_v1_Host, Host__Output as _nephele_v1_Host__Output } from '../../nephele/v1/Host.js';

export interface DrainHostResponse {
  'host'?: (_nephele_v1_Host | null);
  'vmsMoved'?: (number);
  'vmsUnplaced'?: (number);
  'reasons'?: (string)[];
}

export interface DrainHostResponse__Output {
  'host': (_nephele_v1_Host__Output | null);
  'vmsMoved': (number);
  'vmsUnplaced': (number);
  'reasons': (string)[];
}
