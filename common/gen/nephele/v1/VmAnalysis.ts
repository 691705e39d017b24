// Original file: proto/nephele/v1/reclass.proto

import type { UsageProfile as _nephele_v1_UsageProfile, UsageProfile__Output as _nephele_v1_UsageProfile__Output } from '../../nephele/v1/UsageProfile.js';
import type { ApplianceManifest as _nephele_v1_ApplianceManifest, ApplianceManifest__Output as _nephele_v1_ApplianceManifest__Output } from '../../nephele/v1/ApplianceManifest.js';
import type { Finding as _nephele_v1_Finding, Finding__Output as _nephele_v1_Finding__Output } from '../../nephele/v1/Finding.js';
import type { Long } from '@grpc/proto-loader';

export interface VmAnalysis {
  'vmId'?: (string);
  'vmName'?: (string);
  'setId'?: (string);
  'tenant'?: (string);
  'hostId'?: (string);
  'scheme'?: (string);
  'vmClass'?: (string);
  'vcpus'?: (number);
  'memoryMib'?: (number | string | Long);
  'diskGib'?: (number);
  'usage'?: (_nephele_v1_UsageProfile | null);
  'manifest'?: (_nephele_v1_ApplianceManifest | null);
  'findings'?: (_nephele_v1_Finding)[];
  'hostFeatures'?: (string)[];
}

export interface VmAnalysis__Output {
  'vmId': (string);
  'vmName': (string);
  'setId': (string);
  'tenant': (string);
  'hostId': (string);
  'scheme': (string);
  'vmClass': (string);
  'vcpus': (number);
  'memoryMib': (number);
  'diskGib': (number);
  'usage': (_nephele_v1_UsageProfile__Output | null);
  'manifest': (_nephele_v1_ApplianceManifest__Output | null);
  'findings': (_nephele_v1_Finding__Output)[];
  'hostFeatures': (string)[];
}
