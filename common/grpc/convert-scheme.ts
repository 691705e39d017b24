// scheme.proto's enums and messages meet the canonical definition's names here
// (issue 16; append only: every part of the scheme abstraction adds its own).
import type { DefinitionFormatName, DiskFormatName, Lossy } from '../spec/definition.js';
import type { DefinitionFormat__Output as PDefinitionFormat } from '../gen/nephele/v1/DefinitionFormat.js';
import type { DiskFormat__Output as PDiskFormat } from '../gen/nephele/v1/DiskFormat.js';
import type { LossyField } from '../gen/nephele/v1/LossyField.js';
import { converter, type Exhaustive } from './convert.js';

const definitionFormat = {
  canonical: 'DEFINITION_FORMAT_CANONICAL',
  libvirt: 'DEFINITION_FORMAT_LIBVIRT',
  qemu: 'DEFINITION_FORMAT_QEMU',
  vmx: 'DEFINITION_FORMAT_VMX',
  xl: 'DEFINITION_FORMAT_XL',
  ovf: 'DEFINITION_FORMAT_OVF',
} as const satisfies Record<DefinitionFormatName, PDefinitionFormat>;
type _definitionFormat = Exhaustive<
  Exclude<PDefinitionFormat, 'DEFINITION_FORMAT_UNSPECIFIED' | (typeof definitionFormat)[DefinitionFormatName]>
>;
export const DefinitionFormatEnum = converter<DefinitionFormatName, PDefinitionFormat>(
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

// The bus messages at the edge: our model types in, wire types out.
import type { BusDelivery } from '../bus.js';
import type { BusMessage } from '../gen/nephele/v1/BusMessage.js';

/** A bus message's wire fields (BusMessage to API subscribers; BusDeliver adds the VM ids). */
export function busMessageToProto(m: BusDelivery): BusMessage {
  return {
    topic: m.topic,
    seq: m.seq,
    payload: m.payload,
    fromVmId: m.fromVmId,
    fromScheme: m.fromScheme,
    timeUnixMs: m.timeUnixMs,
  };
}
