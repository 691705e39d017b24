// Exhaustive enum tables of scheme.proto (as in convert.ts): a missing or extra
// entry is a compile error in both directions. Issue 16's parts append below.
import type { DefinitionFormatName, DiskFormatName, Lossy } from '../spec/definition.js';
import { converter, type Exhaustive } from './convert.js';
import type { DefinitionFormat__Output as PDefFormat } from '../gen/nephele/v1/DefinitionFormat.js';
import type { DiskFormat__Output as PDiskFormat } from '../gen/nephele/v1/DiskFormat.js';
import type { LossyField } from '../gen/nephele/v1/LossyField.js';

const definitionFormat = {
  canonical: 'DEFINITION_FORMAT_CANONICAL',
  libvirt: 'DEFINITION_FORMAT_LIBVIRT',
  qemu: 'DEFINITION_FORMAT_QEMU',
  vmx: 'DEFINITION_FORMAT_VMX',
  xl: 'DEFINITION_FORMAT_XL',
  ovf: 'DEFINITION_FORMAT_OVF',
} as const satisfies Record<DefinitionFormatName, PDefFormat>;
type _definitionFormat = Exhaustive<
  Exclude<PDefFormat, 'DEFINITION_FORMAT_UNSPECIFIED' | (typeof definitionFormat)[DefinitionFormatName]>
>;
export const DefinitionFormatEnum = converter<DefinitionFormatName, PDefFormat>(
  definitionFormat,
  'DEFINITION_FORMAT_UNSPECIFIED',
);

const diskFormat = {
  qcow2: 'DISK_FORMAT_QCOW2',
  raw: 'DISK_FORMAT_RAW',
  vmdk: 'DISK_FORMAT_VMDK',
  vhd: 'DISK_FORMAT_VHD',
} as const satisfies Record<DiskFormatName, PDiskFormat>;
type _diskFormat = Exhaustive<Exclude<PDiskFormat, 'DISK_FORMAT_UNSPECIFIED' | (typeof diskFormat)[DiskFormatName]>>;
export const DiskFormatEnum = converter<DiskFormatName, PDiskFormat>(diskFormat, 'DISK_FORMAT_UNSPECIFIED');

export const lossyToProto = (l: Lossy): LossyField => ({ path: l.path, value: l.value, reason: l.reason });
