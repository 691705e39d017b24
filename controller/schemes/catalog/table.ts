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
  {
    name: 'xen',
    description: 'Xen domains (xl): definitions and disks imported and exported, commands in xl vocabulary',
    formats: ['xl'],
    diskFormats: ['raw', 'qcow2', 'vhd'],
    nativeTool: 'xl',
    capabilities: ['import', 'export', 'native_commands'],
    runnable: false,
  },
  {
    name: 'vmware',
    description: 'VMware VMs (.vmx, OVF): definitions and disks imported and exported, commands in vmrun vocabulary',
    formats: ['vmx', 'ovf'],
    diskFormats: ['vmdk'],
    nativeTool: 'vmrun',
    capabilities: ['import', 'export', 'native_commands'],
    runnable: false,
  },
  {
    name: 'proxmox',
    description: 'Proxmox VE guests: OVF and disks imported and exported, commands in qm vocabulary',
    formats: ['ovf', 'qemu'],
    diskFormats: ['qcow2', 'raw', 'vmdk'],
    nativeTool: 'qm',
    capabilities: ['import', 'export', 'native_commands'],
    runnable: false,
  },
];
