// Original file: proto/nephele/v1/scheme.proto

import type { LossyField as _nephele_v1_LossyField, LossyField__Output as _nephele_v1_LossyField__Output } from '../../nephele/v1/LossyField.js';
import type { DiskFormat as _nephele_v1_DiskFormat, DiskFormat__Output as _nephele_v1_DiskFormat__Output } from '../../nephele/v1/DiskFormat.js';
import type { Long } from '@grpc/proto-loader';

export interface ExportVmHeader {
  'definition'?: (string);
  'lossy'?: (_nephele_v1_LossyField)[];
  'diskFormat'?: (_nephele_v1_DiskFormat);
  'diskSizeBytes'?: (number | string | Long);
  'diskFileName'?: (string);
}

export interface ExportVmHeader__Output {
  'definition': (string);
  'lossy': (_nephele_v1_LossyField__Output)[];
  'diskFormat': (_nephele_v1_DiskFormat__Output);
  'diskSizeBytes': (number);
  'diskFileName': (string);
}
