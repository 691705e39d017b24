import type { DefinitionCodec, DefinitionFormatName } from '../../../common/spec/definition.js';
import { canonicalCodec } from './canonical.js';
import { libvirtCodec } from './libvirt.js';
import { qemuCodec } from './qemu.js';
import { vmxCodec } from './vmx.js';
import { xlCodec } from './xl.js';
import { ovfCodec } from './ovf.js';

// Every definition format's codec, by name. Each format module adds its line here.
const CODECS: Partial<Record<DefinitionFormatName, DefinitionCodec>> = {
  canonical: canonicalCodec,
  libvirt: libvirtCodec,
  qemu: qemuCodec,
  vmx: vmxCodec,
  xl: xlCodec,
  ovf: ovfCodec,
};

/** The codec of `format`, undefined for a format with none (yet). */
export function codecFor(format: DefinitionFormatName): DefinitionCodec | undefined {
  return CODECS[format];
}
