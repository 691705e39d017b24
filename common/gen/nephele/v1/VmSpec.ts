// Original file: proto/nephele/v1/vm.proto

import type { ImageRef as _nephele_v1_ImageRef, ImageRef__Output as _nephele_v1_ImageRef__Output } from '../../nephele/v1/ImageRef.js';

export interface VmSpec {
  'scheme'?: (string);
  'vcpus'?: (number);
  'memoryMib'?: (number);
  'diskGib'?: (number);
  'image'?: (string);
  'appliancePort'?: (number);
  'config'?: ({[key: string]: string});
  'vmClass'?: (string);
  'baseImage'?: (_nephele_v1_ImageRef | null);
}

export interface VmSpec__Output {
  'scheme': (string);
  'vcpus': (number);
  'memoryMib': (number);
  'diskGib': (number);
  'image': (string);
  'appliancePort': (number);
  'config': ({[key: string]: string});
  'vmClass': (string);
  'baseImage': (_nephele_v1_ImageRef__Output | null);
}
