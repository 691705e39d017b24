// The canonical definition and the controller's VmSpec, both ways (pure). A
// Nephele VM of a disk scheme is one data disk (the definition's first non-cdrom
// disk), user-mode networking with one forwarded appliance port, and a kernel
// and initrd from the scheme's shipped guest image: whatever else a foreign
// definition holds is listed as lossy, never dropped silently.
import { GiB } from '../../../common/limits.js';
import {
  DefinitionError,
  type CanonicalDefinition,
  type DiskFormatName,
  type Lossy,
} from '../../../common/spec/definition.js';
import type { VmRecord, VmSpec } from '../../model/vm.js';

/** The schemes whose VMs run from a disk we carry, and that disk's format. */
export const DISK_SCHEMES: Record<string, DiskFormatName> = { qemu: 'qcow2', libvirt: 'qcow2' };

/** The format of `scheme`'s VM disks; undefined for a scheme without one (process). */
export const diskFormatOf = (scheme: string): DiskFormatName | undefined =>
  Object.hasOwn(DISK_SCHEMES, scheme) ? DISK_SCHEMES[scheme] : undefined;

const FIELD = 'meta.definition';
const bounded = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);

/** Which of the definition's disks is the VM's: the first that is not a cdrom. */
export function vmDiskIndex(def: CanonicalDefinition): number {
  const i = def.disks.findIndex((d) => d.device !== 'cdrom');
  if (i < 0) throw new DefinitionError(FIELD, '$.disks', "names no disk (the VM's disk is its first non-cdrom disk)");
  return i;
}

export interface SpecOptions {
  scheme: string;
  /** The imported disk's virtual size. */
  virtualBytes: number;
  /** A guest port to forward instead of the definition's (0: the definition's). */
  appliancePort?: number;
}

/** The VmSpec an imported definition becomes, and what of it the spec cannot carry. */
export function specFromDefinition(def: CanonicalDefinition, o: SpecOptions): { spec: VmSpec; lossy: Lossy[] } {
  if (def.arch !== 'x86_64') throw new DefinitionError(FIELD, '$.arch', `${def.arch} guests do not run here (x86_64)`);
  const lossy: Lossy[] = [];
  const lose = (path: string, value: string, reason: string) => lossy.push({ path, value: bounded(value), reason });
  const main = vmDiskIndex(def);
  def.disks.forEach((d, i) => {
    if (i === main) {
      if (d.bus !== 'virtio') lose(`$.disks[${i}].bus`, d.bus, 'the disk is attached as virtio');
      if (d.readonly) lose(`$.disks[${i}].readonly`, 'true', "the VM's disk is writable");
      return;
    }
    lose(
      `$.disks[${i}]`,
      d.file,
      d.device === 'cdrom' ? 'cdroms are not imported' : "only the VM's first disk is imported (one data disk)",
    );
  });
  def.nics.forEach((n, i) =>
    lose(
      `$.nics[${i}]`,
      [n.model, n.mac, n.network].filter(Boolean).join(' '),
      'Nephele VMs get user-mode networking with the appliance port forwarded',
    ),
  );
  if (def.kernel) lose('$.kernel', def.kernel.path, "the kernel and initrd come from the scheme's guest image");
  if (def.firmware !== 'bios') lose('$.firmware', def.firmware, 'Nephele VMs boot their kernel directly');
  if (def.machine) lose('$.machine', def.machine, 'the driver chooses the machine type');
  const spec: VmSpec = {
    scheme: o.scheme,
    vcpus: def.vcpus,
    memoryMib: def.memoryMib,
    diskGib: Math.max(1, Math.ceil(o.virtualBytes / GiB)),
    image: '',
    appliancePort: o.appliancePort || def.appliancePort || 0,
    config: { ...(def.config ?? {}) },
  };
  return { spec, lossy };
}

export interface ExportedDisk {
  file: string;
  format: DiskFormatName;
  virtualBytes: number;
}

/** A VM as a canonical definition (what ExportVm renders in the asked format), its disk as exported. */
export function definitionFromVm(vm: Pick<VmRecord, 'name' | 'spec'>, disk: ExportedDisk): CanonicalDefinition {
  const s = vm.spec;
  return {
    version: 1,
    name: vm.name,
    vcpus: s.vcpus,
    memoryMib: s.memoryMib,
    arch: 'x86_64',
    firmware: 'bios',
    disks: [
      {
        file: disk.file,
        format: disk.format,
        bus: 'virtio',
        device: 'disk',
        readonly: false,
        sizeBytes: disk.virtualBytes,
      },
    ],
    nics: [{ model: 'virtio', network: '' }],
    serial: true,
    ...(s.appliancePort ? { appliancePort: s.appliancePort } : {}),
    ...(Object.keys(s.config).length ? { config: { ...s.config } } : {}),
  };
}
