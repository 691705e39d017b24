// Original file: proto/nephele/v1/monitor.proto

import type { ProbeKind as _nephele_v1_ProbeKind, ProbeKind__Output as _nephele_v1_ProbeKind__Output } from '../../nephele/v1/ProbeKind.js';

export interface Probe {
  'name'?: (string);
  'kind'?: (_nephele_v1_ProbeKind);
  'path'?: (string);
  'expectStatus'?: (number);
  'expectBody'?: (string);
  'port'?: (number);
  'command'?: (string)[];
  'expectExit'?: (number);
  'timeoutMs'?: (number);
}

export interface Probe__Output {
  'name': (string);
  'kind': (_nephele_v1_ProbeKind__Output);
  'path': (string);
  'expectStatus': (number);
  'expectBody': (string);
  'port': (number);
  'command': (string)[];
  'expectExit': (number);
  'timeoutMs': (number);
}
