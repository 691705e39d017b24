import { InvalidArgumentError } from '../errors.js';

// The canonical VM definition (DESIGN §5): hypervisor-neutral, what every scheme's
// format converts to and from (controller/schemes/formats). Richer than the
// controller's VmSpec (which is what Nephele runs): a foreign definition names
// disks, NICs and firmware that a Nephele VM gets from its image. What a format
// cannot carry is reported as Lossy, never dropped silently.

export const DEFINITION_FORMATS = ['canonical', 'libvirt', 'qemu', 'vmx', 'xl', 'ovf'] as const;
export type DefinitionFormatName = (typeof DEFINITION_FORMATS)[number];

export const DISK_FORMATS = ['qcow2', 'raw', 'vmdk', 'vhd'] as const;
export type DiskFormatName = (typeof DISK_FORMATS)[number];

export type DiskBus = 'virtio' | 'scsi' | 'ide' | 'sata';
export type NicModel = 'virtio' | 'e1000' | 'rtl8139' | 'vmxnet3';

export interface CanonicalDisk {
  /** File name or path as the definition names it (an import maps it to the uploaded disk). */
  file: string;
  format: DiskFormatName;
  bus: DiskBus;
  device: 'disk' | 'cdrom';
  readonly: boolean;
  /** Virtual size when the definition states one (OVF capacity), else absent. */
  sizeBytes?: number;
}

export interface CanonicalNic {
  model: NicModel;
  /** 52:54:00:12:34:56 form, lowercase; absent = generated. */
  mac?: string;
  /** The network or bridge it attaches to, as named by the source ('' = user-mode / none). */
  network: string;
}

export interface CanonicalDefinition {
  /** Format version of this JSON (canonical format). */
  version: 1;
  name: string;
  vcpus: number;
  memoryMib: number;
  arch: 'x86_64' | 'aarch64';
  firmware: 'bios' | 'uefi';
  /** Machine type when the source names one (pc, q35, microvm); absent = the target's default. */
  machine?: string;
  disks: CanonicalDisk[];
  nics: CanonicalNic[];
  /** Direct kernel boot. */
  kernel?: { path: string; initrd?: string; cmdline?: string };
  /** A serial console (Nephele reads it as the VM's console). */
  serial: boolean;
  /** Nephele: the guest port of the appliance, forwarded on the host (absent = none). */
  appliancePort?: number;
  /** Nephele: appliance settings (config keys). */
  config?: Record<string, string>;
}

/** Something of the source the target could not carry. */
export interface Lossy {
  /** Where it was in the source: an element path (/domain/devices/sound), a key (sound.present), an argv option (-device). */
  path: string;
  /** What it held, bounded. */
  value: string;
  reason: string;
}

export interface Parsed {
  def: CanonicalDefinition;
  /** What the source held that the canonical spec has no field for. */
  lossy: Lossy[];
}

export interface Rendered {
  text: string;
  /** Canonical fields the target format cannot express. */
  lossy: Lossy[];
}

/** One format's reader and writer. parse() throws DefinitionError; render() never throws on a valid definition. */
export interface DefinitionCodec {
  readonly format: DefinitionFormatName;
  parse(text: string): Parsed;
  render(def: CanonicalDefinition): Rendered;
}

/**
 * A definition that cannot be read: INVALID_ARGUMENT naming the request field,
 * with where in the text (line N, or element /domain/devices/disk[2]).
 */
export class DefinitionError extends InvalidArgumentError {
  readonly where: string;
  constructor(field: string, where: string, problem: string) {
    super(field, where ? `${where}: ${problem}` : problem);
    this.where = where;
  }
}
