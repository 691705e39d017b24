// Original file: proto/nephele/v1/host.proto

import type { Host as _nephele_v1_Host, Host__Output as _nephele_v1_Host__Output } from '../../nephele/v1/Host.js';

export interface ListHostsResponse {
  'hosts'?: (_nephele_v1_Host)[];
  'nextPageToken'?: (string);
}

export interface ListHostsResponse__Output {
  'hosts': (_nephele_v1_Host__Output)[];
  'nextPageToken': (string);
}
