// Original file: proto/nephele/v1/usage.proto

import type { VmSpec as _nephele_v1_VmSpec, VmSpec__Output as _nephele_v1_VmSpec__Output } from '../../nephele/v1/VmSpec.js';

export interface BackupDemand {
  'app'?: (string);
  'sourceSetId'?: (string);
  'name'?: (string);
  'pVcpus'?: (number | string);
  'pMemoryMib'?: (number | string);
  'peakVms'?: (number);
  'vmCount'?: (number);
  'spec'?: (_nephele_v1_VmSpec | null);
  'userGroup'?: (string);
  'tenant'?: (string);
}

export interface BackupDemand__Output {
  'app': (string);
  'sourceSetId': (string);
  'name': (string);
  'pVcpus': (number);
  'pMemoryMib': (number);
  'peakVms': (number);
  'vmCount': (number);
  'spec': (_nephele_v1_VmSpec__Output | null);
  'userGroup': (string);
  'tenant': (string);
}
