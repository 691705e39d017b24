// The libvirt domain XML of one VM (a pure function of its options): the same
// machine the qemu driver starts (microvm, direct kernel boot, the VM's qcow2
// overlay, serial to a file, the guest agent on a virtio-serial port), so one
// guest image and one guest agent serve both schemes.
import { createHash } from 'node:crypto';
import { CONTROL_CHARS_RE } from '../../../common/validate.js';
import { DriverError } from '../driver.js';
import { kernelCmdline, type Accel } from '../qemu/launch.js';

export const QEMU_NS = 'http://libvirt.org/schemas/domain/qemu/1.0';

export interface DomainXmlOptions {
  /** The domain's name: nephele-<VM id> (how the agent finds it again). */
  name: string;
  uuid: string;
  accel: Accel;
  memoryMiB: number;
  vcpus: number;
  kernel: string;
  initrd: string;
  bootArgs: string;
  tscKhz?: number;
  disk: string;
  serial: string;
  guestChannel: string;
  guestAgentPort: string;
  /** 0: no port forward (hidden VMs). */
  hostPort: number;
  appliancePort: number;
  emulator?: string;
  /** The user QEMU runs as (the agent's). */
  uid: number;
  gid: number;
}

/** A stable UUID per VM id (the domain keeps it across define/undefine and agent restarts). */
export function domainUuid(id: string): string {
  const h = createHash('sha256').update(`nephele-libvirt:${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const domainName = (id: string): string => `nephele-${id}`;

/** Text or attribute content: escaped, and refused when it holds control characters. */
function esc(what: string, v: string): string {
  if (CONTROL_CHARS_RE.test(v))
    throw new DriverError(`${what} ${JSON.stringify(v)} contains control characters`, 'INVALID_SPEC');
  return v.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function domainXml(o: DomainXmlOptions): string {
  const kvm = o.accel === 'kvm';
  // libvirt 9 has no portForward for user-mode (slirp) interfaces (passt only): the netdev goes in raw,
  // as the qemu driver's, and microvm's virtio-mmio transport is what QEMU gives a -device there.
  const netdev = o.hostPort > 0 ? `user,id=n0,hostfwd=tcp:127.0.0.1:${o.hostPort}-:${o.appliancePort}` : 'user,id=n0';
  const mmio = "<address type='virtio-mmio'/>";
  return [
    `<domain type='${kvm ? 'kvm' : 'qemu'}' xmlns:qemu='${QEMU_NS}'>`,
    `  <name>${esc('name', o.name)}</name>`,
    `  <uuid>${esc('uuid', o.uuid)}</uuid>`,
    `  <memory unit='MiB'>${int(o.memoryMiB)}</memory>`,
    `  <vcpu>${int(o.vcpus)}</vcpu>`,
    '  <os>',
    "    <type arch='x86_64' machine='microvm'>hvm</type>",
    `    <kernel>${esc('kernel path', o.kernel)}</kernel>`,
    `    <initrd>${esc('initrd path', o.initrd)}</initrd>`,
    `    <cmdline>${esc('kernel command line', kernelCmdline(o))}</cmdline>`,
    '  </os>',
    // ACPI: how the microvm guest finds its virtio-mmio devices (without it: no disk, no eth0).
    kvm
      ? '  <features><acpi/></features>'
      : "  <features><acpi/><tcg><tb-cache unit='MiB'>64</tb-cache></tcg></features>",
    kvm ? "  <cpu mode='host-passthrough'/>" : "  <cpu mode='maximum'/>",
    '  <on_poweroff>destroy</on_poweroff>',
    '  <on_reboot>restart</on_reboot>',
    '  <on_crash>destroy</on_crash>',
    '  <devices>',
    ...(o.emulator ? [`    <emulator>${esc('emulator', o.emulator)}</emulator>`] : []),
    "    <disk type='file' device='disk'>",
    "      <driver name='qemu' type='qcow2'/>",
    `      <source file='${esc('disk path', o.disk)}'/>`,
    "      <target dev='vda' bus='virtio'/>",
    `      ${mmio}`,
    '    </disk>',
    // microvm has no USB and no PCI: libvirt would add a USB controller otherwise.
    "    <controller type='usb' model='none'/>",
    `    <controller type='virtio-serial' index='0'>${mmio}</controller>`,
    "    <serial type='file'>",
    `      <source path='${esc('serial path', o.serial)}'/>`,
    "      <target port='0'/>",
    '    </serial>',
    "    <channel type='unix'>",
    `      <source mode='bind' path='${esc('guest channel path', o.guestChannel)}'/>`,
    `      <target type='virtio' name='${esc('guest agent port', o.guestAgentPort)}'/>`,
    '    </channel>',
    "    <memballoon model='none'/>",
    '  </devices>',
    // QEMU runs as the agent's user, as the qemu driver's (whatever qemu.conf says), and libvirt relabels nothing of ours.
    `  <seclabel type='static' model='dac' relabel='no'><label>+${o.uid}:+${o.gid}</label></seclabel>`,
    '  <qemu:commandline>',
    "    <qemu:arg value='-netdev'/>",
    `    <qemu:arg value='${esc('netdev', netdev)}'/>`,
    "    <qemu:arg value='-device'/>",
    "    <qemu:arg value='virtio-net-device,netdev=n0'/>",
    '  </qemu:commandline>',
    '</domain>',
    '',
  ].join('\n');
}

function int(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new DriverError(`not a positive integer: ${n}`, 'INVALID_SPEC');
  return n;
}
