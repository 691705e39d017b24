// Real-world shaped definitions for the codec tests and the conversion bench: what
// virt-install, VMware Workstation, ovftool, xl and a hand-written QEMU script
// produce, including devices the canonical spec does not model (sound, USB tablet,
// video, graphics, watchdog, TPM...), each with the lossy paths it must report.
import type { DefinitionFormatName } from '../../common/spec/definition.js';

export interface CorpusDoc {
  name: string;
  format: DefinitionFormatName;
  text: string;
  /** Substrings some lossy entry (path = value) must contain: the devices we do not model. */
  lossy: string[];
}

export const LIBVIRT_XML = `<?xml version="1.0"?>
<!-- virt-install shaped -->
<domain type="kvm" xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">
  <name>debian12</name>
  <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>
  <title>Debian &amp; friends</title>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <libosinfo:os id="http://debian.org/debian/12"/>
    </libosinfo:libosinfo>
  </metadata>
  <memory unit="KiB">2097152</memory>
  <currentMemory unit="KiB">2097152</currentMemory>
  <vcpu placement="static">2</vcpu>
  <os firmware="efi">
    <type arch="x86_64" machine="pc-q35-7.2">hvm</type>
    <boot dev="hd"/>
  </os>
  <features><acpi/><apic/><vmport state="off"/></features>
  <cpu mode="host-passthrough" check="none" migratable="on"/>
  <clock offset="utc"><timer name="rtc" tickpolicy="catchup"/></clock>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <pm><suspend-to-mem enabled="no"/></pm>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type="file" device="disk">
      <driver name="qemu" type="qcow2" discard="unmap"/>
      <source file="/var/lib/libvirt/images/debian12.qcow2"/>
      <target dev="vda" bus="virtio"/>
      <address type="pci" domain="0x0000" bus="0x04" slot="0x00" function="0x0"/>
    </disk>
    <disk type="file" device="cdrom">
      <driver name="qemu" type="raw"/>
      <source file="/var/lib/libvirt/images/debian-12.iso"/>
      <target dev="sda" bus="sata"/>
      <readonly/>
    </disk>
    <controller type="usb" index="0" model="qemu-xhci" ports="15"/>
    <controller type="sata" index="0"/>
    <controller type="pci" index="0" model="pcie-root"/>
    <interface type="network">
      <mac address="52:54:00:6b:3c:58"/>
      <source network="default"/>
      <model type="virtio"/>
    </interface>
    <interface type="bridge">
      <source bridge="br0"/>
      <model type="e1000"/>
    </interface>
    <serial type="pty"><target type="isa-serial" port="0"><model name="isa-serial"/></target></serial>
    <console type="pty"><target type="serial" port="0"/></console>
    <channel type="unix"><target type="virtio" name="org.qemu.guest_agent.0"/></channel>
    <input type="tablet" bus="usb"/>
    <input type="mouse" bus="ps2"/>
    <graphics type="spice" autoport="yes"><listen type="address"/></graphics>
    <sound model="ich9"/>
    <audio id="1" type="spice"/>
    <video><model type="qxl" ram="65536" vram="65536" vgamem="16384" heads="1" primary="yes"/></video>
    <watchdog model="i6300esb" action="reset"/>
    <memballoon model="virtio"/>
    <rng model="virtio"><backend model="random">/dev/urandom</backend></rng>
    <tpm model="tpm-crb"><backend type="emulator" version="2.0"/></tpm>
  </devices>
</domain>
`;

export const VMX = `.encoding = "UTF-8"
config.version = "8"
virtualHW.version = "19"
pciBridge0.present = "TRUE"
pciBridge4.present = "TRUE"
pciBridge4.virtualDev = "pcieRootPort"
vmci0.present = "TRUE"
hpet0.present = "TRUE"
nvram = "Ubuntu 64-bit.nvram"
virtualHW.productCompatibility = "hosted"
displayName = "Ubuntu 64-bit |22web|22"
guestOS = "ubuntu-64"
firmware = "efi"
numvcpus = "4"
cpuid.coresPerSocket = "2"
memsize = "4096"
scsi0.virtualDev = "lsilogic"
scsi0.present = "TRUE"
scsi0:0.fileName = "Ubuntu 64-bit.vmdk"
scsi0:0.present = "TRUE"
sata0.present = "TRUE"
sata0:1.deviceType = "cdrom-image"
sata0:1.fileName = "/isos/ubuntu-22.04.iso"
sata0:1.present = "TRUE"
floppy0.present = "FALSE"
ethernet0.connectionType = "nat"
ethernet0.addressType = "generated"
ethernet0.virtualDev = "e1000"
ethernet0.present = "TRUE"
ethernet0.generatedAddress = "00:0c:29:aa:bb:cc"
ethernet1.present = "TRUE"
ethernet1.virtualDev = "vmxnet3"
ethernet1.networkName = "VM Network"
ethernet1.addressType = "static"
ethernet1.address = "00:50:56:01:02:03"
usb.present = "TRUE"
ehci.present = "TRUE"
usb.vbluetooth.startConnected = "TRUE"
sound.present = "TRUE"
sound.virtualDev = "hdaudio"
sound.fileName = "-1"
svga.vramSize = "268435456"
tools.syncTime = "FALSE"
uuid.bios = "56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc"
serial0.present = "TRUE"
serial0.fileType = "file"
serial0.fileName = "serial.log"
`;

export const OVF = `<?xml version="1.0" encoding="UTF-8"?>
<!-- ovftool shaped, OVF 2.0 namespaces -->
<Envelope vmw:buildId="build-20800274" xmlns="http://schemas.dmtf.org/ovf/envelope/2" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/2" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:href="web-disk1.vmdk" ovf:id="file1" ovf:size="1073741824"/>
    <File ovf:href="tools.iso" ovf:id="file2"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:capacity="16" ovf:capacityAllocationUnits="byte * 2^30" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized" ovf:populatedSize="1000000000"/>
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="VM Network"><Description>The VM Network network</Description></Network>
  </NetworkSection>
  <VirtualSystem ovf:id="web-ovf">
    <Info>A virtual machine</Info>
    <Name>web-ovf</Name>
    <OperatingSystemSection ovf:id="101" vmw:osType="otherLinux64Guest"><Info>The kind of installed guest operating system</Info></OperatingSystemSection>
    <AnnotationSection><Info>A human-readable annotation</Info><Annotation>built for the corpus</Annotation></AnnotationSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>web-ovf</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-19</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:Description>Number of Virtual CPUs</rasd:Description>
        <rasd:ElementName>2 virtual CPU(s)</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:Description>Memory Size</rasd:Description>
        <rasd:ElementName>2048MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>2048</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Description>SCSI Controller</rasd:Description>
        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:Address>1</rasd:Address>
        <rasd:Description>IDE Controller</rasd:Description>
        <rasd:ElementName>IDE 1</rasd:ElementName>
        <rasd:InstanceID>4</rasd:InstanceID>
        <rasd:ResourceType>5</rasd:ResourceType>
      </Item>
      <Item ovf:required="false">
        <rasd:AutomaticAllocation>false</rasd:AutomaticAllocation>
        <rasd:ElementName>USB controller</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>vmware.usb.ehci</rasd:ResourceSubType>
        <rasd:ResourceType>23</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>6</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
      <Item ovf:required="false">
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>false</rasd:AutomaticAllocation>
        <rasd:ElementName>CD/DVD drive 1</rasd:ElementName>
        <rasd:HostResource>ovf:/file/file2</rasd:HostResource>
        <rasd:InstanceID>7</rasd:InstanceID>
        <rasd:Parent>4</rasd:Parent>
        <rasd:ResourceType>15</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:Address>00:50:56:aa:bb:01</rasd:Address>
        <rasd:AddressOnParent>7</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>VM Network</rasd:Connection>
        <rasd:Description>VmxNet3 ethernet adapter on "VM Network"</rasd:Description>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>8</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
      </Item>
      <Item ovf:required="false">
        <rasd:AutomaticAllocation>false</rasd:AutomaticAllocation>
        <rasd:ElementName>Video card</rasd:ElementName>
        <rasd:InstanceID>9</rasd:InstanceID>
        <rasd:ResourceType>24</rasd:ResourceType>
        <vmw:Config ovf:required="false" vmw:key="videoRamSizeInKB" vmw:value="4096"/>
      </Item>
      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="efi"/>
      <vmw:Config ovf:required="false" vmw:key="tools.syncTimeWithHost" vmw:value="false"/>
      <vmw:ExtraConfig ovf:required="false" vmw:key="sound.present" vmw:value="TRUE"/>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
`;

export const XL = `# /etc/xen/guest.cfg
name = "xen-guest"
builder = "hvm"
vcpus = 2
maxvcpus = 4
memory = 1024
maxmem = 2048
bios = 'ovmf'
disk = [ 'format=qcow2, vdev=xvda, access=rw, target=/srv/xen/guest.qcow2',
         '/srv/xen/data.img,raw,hdb,rw',
         'format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/srv/iso/installer.iso' ]
vif = [ 'mac=00:16:3e:11:22:33, bridge=xenbr0, model=e1000',
        'bridge=xenbr1, ip=10.0.0.5' ]
vnc = 1
vnclisten = "0.0.0.0"
usbdevice = 'tablet'
soundhw = 'hda'
serial = 'pty'
on_reboot = 'restart'; on_crash = 'preserve'
`;

export const QEMU_ARGV = `#!/bin/sh
# a hand-written start script
/usr/bin/qemu-system-x86_64 \\
  -name guest=scripted,debug-threads=on \\
  -enable-kvm -cpu host \\
  -machine q35,accel=kvm \\
  -m 2G -smp 4,sockets=1,cores=4 \\
  -kernel /boot/vmlinuz-6.1 -initrd /boot/initrd.img-6.1 \\
  -append "console=ttyS0 root=/dev/vda1 quiet \\"x\\"" \\
  -drive file=/srv/vm/root.qcow2,format=qcow2,if=virtio,cache=none \\
  -drive file=/srv/vm/data.raw,format=raw,if=none,id=data0 \\
  -device virtio-scsi-pci,id=scsi0 \\
  -device scsi-hd,drive=data0,bus=scsi0.0 \\
  -cdrom '/srv/iso/tools disc.iso' \\
  -netdev user,id=n0,hostfwd=tcp::2222-:22 \\
  -device virtio-net-pci,netdev=n0,mac=52:54:00:aa:bb:cc \\
  -netdev bridge,id=n1,br=br0 \\
  -device e1000,netdev=n1 \\
  -device usb-ehci -device usb-tablet \\
  -vga std -display none \\
  -device i6300esb -watchdog-action reset \\
  -audiodev none,id=snd0 -device intel-hda -device hda-duplex,audiodev=snd0 \\
  -serial mon:stdio
`;

export const CANONICAL = JSON.stringify(
  {
    version: 1,
    name: 'appliance-1',
    vcpus: 1,
    memoryMib: 256,
    arch: 'x86_64',
    firmware: 'bios',
    machine: 'microvm',
    disks: [
      {
        file: '/var/lib/nephele/app.qcow2',
        format: 'qcow2',
        bus: 'virtio',
        device: 'disk',
        readonly: false,
        sizeBytes: 1073741824,
      },
    ],
    nics: [{ model: 'virtio', network: '', mac: '52:54:00:00:00:01' }],
    kernel: { path: '/var/lib/nephele/vmlinuz', cmdline: 'console=ttyS0 tsc_early_khz=2000' },
    serial: true,
    appliancePort: 8080,
    config: { greeting: 'hello, world', 'log.level': 'info' },
    futureField: { x: 1 },
  },
  null,
  2,
);

export const CORPUS: CorpusDoc[] = [
  {
    name: 'virt-install domain',
    format: 'libvirt',
    text: LIBVIRT_XML,
    lossy: [
      '/domain/uuid',
      '/domain/devices/sound',
      '/domain/devices/input',
      '/domain/devices/video',
      '/domain/devices/graphics',
      '/domain/devices/watchdog',
      '/domain/devices/tpm',
      '/domain/devices/interface[1]/@type',
      '/domain/features',
      '/domain/metadata = <metadata><libosinfo',
    ],
  },
  {
    name: 'VMware Workstation .vmx',
    format: 'vmx',
    text: VMX,
    lossy: [
      'sound.present',
      'sound.virtualDev',
      'usb.present',
      'svga.vramSize',
      'guestOS',
      'scsi0.virtualDev',
      'uuid.bios',
      'serial0.fileType',
      'floppy0.present',
    ],
  },
  {
    name: 'ovftool envelope',
    format: 'ovf',
    text: OVF,
    lossy: [
      'OperatingSystemSection',
      'AnnotationSection',
      'VirtualHardwareSection/System',
      'VirtualHardwareSection/Item[4]',
      'VirtualHardwareSection/Item[8]',
      'ExtraConfig',
      'Config[1]',
      '@ovf:populatedSize',
      'File/@ovf:size',
    ],
  },
  {
    name: 'xl.cfg HVM guest',
    format: 'xl',
    text: XL,
    lossy: ['builder', 'maxvcpus', 'maxmem', 'vnc', 'usbdevice', 'soundhw', 'on_crash', 'vif[1].ip'],
  },
  {
    name: 'QEMU start script',
    format: 'qemu',
    text: QEMU_ARGV,
    lossy: [
      '-enable-kvm',
      '-cpu',
      '-name',
      '-smp',
      '-machine',
      '-drive cache',
      'hostfwd',
      'usb-tablet',
      '-vga',
      '-display',
      'i6300esb',
      'intel-hda',
      'hda-duplex',
    ],
  },
  { name: 'canonical JSON', format: 'canonical', text: CANONICAL, lossy: ['$.futureField'] },
];
