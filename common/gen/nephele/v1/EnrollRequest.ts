// Original file: proto/nephele/v1/agent.proto

import type { HostKind as _nephele_v1_HostKind, HostKind__Output as _nephele_v1_HostKind__Output } from '../../nephele/v1/HostKind.js';

export interface EnrollRequest {
  'joinToken'?: (string);
  'csrPem'?: (string);
  'hostname'?: (string);
  'kind'?: (_nephele_v1_HostKind);
  'agentVersion'?: (string);
}

export interface EnrollRequest__Output {
  'joinToken': (string);
  'csrPem': (string);
  'hostname': (string);
  'kind': (_nephele_v1_HostKind__Output);
  'agentVersion': (string);
}
