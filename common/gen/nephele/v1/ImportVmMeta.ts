// Original file: proto/nephele/v1/scheme.proto

import type { DefinitionFormat as _nephele_v1_DefinitionFormat, DefinitionFormat__Output as _nephele_v1_DefinitionFormat__Output } from '../../nephele/v1/DefinitionFormat.js';
import type { DiskFormat as _nephele_v1_DiskFormat, DiskFormat__Output as _nephele_v1_DiskFormat__Output } from '../../nephele/v1/DiskFormat.js';
import type { Long } from '@grpc/proto-loader';

export interface ImportVmMeta {
  'format'?: (_nephele_v1_DefinitionFormat);
  'definition'?: (string);
  'diskFormat'?: (_nephele_v1_DiskFormat);
  'diskSizeBytes'?: (number | string | Long);
  'scheme'?: (string);
  'hostId'?: (string);
  'name'?: (string);
  'tenant'?: (string);
  'start'?: (boolean);
  'requestId'?: (string);
  'appliancePort'?: (number);
}

export interface ImportVmMeta__Output {
  'format': (_nephele_v1_DefinitionFormat__Output);
  'definition': (string);
  'diskFormat': (_nephele_v1_DiskFormat__Output);
  'diskSizeBytes': (number);
  'scheme': (string);
  'hostId': (string);
  'name': (string);
  'tenant': (string);
  'start': (boolean);
  'requestId': (string);
  'appliancePort': (number);
}
