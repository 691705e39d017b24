// Original file: proto/nephele/v1/scheme.proto

import type { DefinitionFormat as _nephele_v1_DefinitionFormat, DefinitionFormat__Output as _nephele_v1_DefinitionFormat__Output } from '../../nephele/v1/DefinitionFormat.js';
import type { DiskFormat as _nephele_v1_DiskFormat, DiskFormat__Output as _nephele_v1_DiskFormat__Output } from '../../nephele/v1/DiskFormat.js';

export interface ExportVmRequest {
  'vmId'?: (string);
  'format'?: (_nephele_v1_DefinitionFormat);
  'diskFormat'?: (_nephele_v1_DiskFormat);
}

export interface ExportVmRequest__Output {
  'vmId': (string);
  'format': (_nephele_v1_DefinitionFormat__Output);
  'diskFormat': (_nephele_v1_DiskFormat__Output);
}
