// Original file: proto/nephele/v1/scheme.proto

import type { DefinitionFormat as _nephele_v1_DefinitionFormat, DefinitionFormat__Output as _nephele_v1_DefinitionFormat__Output } from '../../nephele/v1/DefinitionFormat.js';
import type { DiskFormat as _nephele_v1_DiskFormat, DiskFormat__Output as _nephele_v1_DiskFormat__Output } from '../../nephele/v1/DiskFormat.js';

export interface Scheme {
  'name'?: (string);
  'description'?: (string);
  'formats'?: (_nephele_v1_DefinitionFormat)[];
  'diskFormats'?: (_nephele_v1_DiskFormat)[];
  'nativeTool'?: (string);
  'nativeVerbs'?: (string)[];
  'capabilities'?: ({[key: string]: boolean});
  'runnable'?: (boolean);
  'hostIds'?: (string)[];
  'hostCount'?: (number);
}

export interface Scheme__Output {
  'name': (string);
  'description': (string);
  'formats': (_nephele_v1_DefinitionFormat__Output)[];
  'diskFormats': (_nephele_v1_DiskFormat__Output)[];
  'nativeTool': (string);
  'nativeVerbs': (string)[];
  'capabilities': ({[key: string]: boolean});
  'runnable': (boolean);
  'hostIds': (string)[];
  'hostCount': (number);
}
