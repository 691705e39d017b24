import type { DefinitionFormatName, DiskFormatName } from '../../../common/spec/definition.js';

// The schemes Nephele knows (DESIGN §6): what each reads and writes, what its VMs
// run from, its own command-line tool, what it can do, and whether a Nephele agent
// runs its VMs (the others are foreign: imported from, exported to, spoken to).

export type Capability =
  'suspend' | 'reboot' | 'console' | 'guest_channel' | 'bus' | 'import' | 'export' | 'migrate' | 'native_commands';
export const CAPABILITIES: readonly Capability[] = [
  'suspend',
  'reboot',
  'console',
  'guest_channel',
  'bus',
  'import',
  'export',
  'migrate',
  'native_commands',
];

export interface SchemeEntry {
  name: string;
  description: string;
  formats: DefinitionFormatName[];
  diskFormats: DiskFormatName[];
  /** The scheme's own CLI ('' = none); its verbs come from the native part's vocabulary. */
  nativeTool: string;
  capabilities: Capability[];
  runnable: boolean;
}

const GUEST: Capability[] = ['suspend', 'reboot', 'console', 'guest_channel', 'bus', 'import', 'export', 'migrate'];

/** A scheme no Nephele agent runs: its definitions and disks are imported and exported, its tool's vocabulary spoken. */
function foreign(
  name: string,
  what: string,
  formats: DefinitionFormatName[],
  diskFormats: DiskFormatName[],
  nativeTool: string,
): SchemeEntry {
  return {
    name,
    description: `${what}: definitions and disks imported and exported, commands in ${nativeTool} vocabulary`,
    formats,
    diskFormats,
    nativeTool,
    capabilities: ['import', 'export', 'native_commands'],
    runnable: false,
  };
}

export const SCHEMES: readonly SchemeEntry[] = [
  {
    name: 'qemu',
    description: 'QEMU guests run by the agent directly (KVM when available, else TCG)',
    formats: ['qemu', 'canonical'],
    diskFormats: ['qcow2', 'raw'],
    nativeTool: '',
    capabilities: GUEST,
    runnable: true,
  },
  {
    name: 'libvirt',
    description: 'QEMU guests run through a local libvirtd (domain XML)',
    formats: ['libvirt', 'canonical'],
    diskFormats: ['qcow2', 'raw'],
    nativeTool: 'virsh',
    capabilities: [...GUEST, 'native_commands'],
    runnable: true,
  },
  {
    name: 'process',
    description: 'Appliances run as sandboxed host processes (no guest kernel)',
    formats: ['canonical'],
    diskFormats: [],
    nativeTool: '',
    capabilities: ['suspend', 'reboot', 'console', 'bus', 'migrate'],
    runnable: true,
  },
  foreign('xen', 'Xen domains (xl)', ['xl'], ['raw', 'qcow2', 'vhd'], 'xl'),
  foreign('vmware', 'VMware VMs (.vmx, OVF)', ['vmx', 'ovf'], ['vmdk'], 'vmrun'),
  foreign('proxmox', 'Proxmox VE guests (OVF, QEMU command lines)', ['ovf', 'qemu'], ['qcow2', 'raw', 'vmdk'], 'qm'),
];
