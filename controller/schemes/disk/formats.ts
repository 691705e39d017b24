// The disk formats schemes use, as qemu-img names them and as files are named.
import type { DiskFormatName } from '../../../common/spec/definition.js';

/** qemu-img's name of each format (VHD is its "vpc"). */
export const QEMU_FORMAT: Record<DiskFormatName, string> = { qcow2: 'qcow2', raw: 'raw', vmdk: 'vmdk', vhd: 'vpc' };

/** File name extension of each format. */
export const EXTENSION: Record<DiskFormatName, string> = { qcow2: 'qcow2', raw: 'img', vmdk: 'vmdk', vhd: 'vhd' };

/**
 * Creation options per output format: a single-file vmdk (what we accept back),
 * a dynamic VHD of exactly the virtual size (without force_size qemu-img rounds
 * it to a CHS geometry and the size would not survive a round trip).
 */
export const CREATE_OPTIONS: Record<DiskFormatName, string[]> = {
  qcow2: [],
  raw: [],
  vmdk: ['-o', 'subformat=monolithicSparse'],
  vhd: ['-o', 'subformat=dynamic,force_size=on'],
};
