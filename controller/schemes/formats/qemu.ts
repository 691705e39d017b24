import type * as D from '../../../common/spec/definition.js';
import { LossyList, bad, blank, cannot, finish, formatOfFile, int, mac, nepheleOnly } from './common.js';
import { optValue, qemuOpts, quoteWord, splitArgv, where, type Word } from './argv.js';

// A QEMU command line (QEMU argv -> canonical is our own: libvirt 9 dropped
// domxml-from-native). Drives are joined to the -device that names them, NICs
// to their -netdev; every option not taken is listed as lossy with its argument.

const T = 'qemu';
const NO_ARG = new Set([
  'enable-kvm',
  'nographic',
  'no-reboot',
  'no-shutdown',
  'S',
  'daemonize',
  'snapshot',
  'no-hpet',
  'no-user-config',
  'nodefaults',
  'no-acpi',
  'no-fd-bootchk',
  'full-screen',
  'enable-fips',
]);
const FORMATS: Record<string, D.DiskFormatName> = { qcow2: 'qcow2', raw: 'raw', vmdk: 'vmdk', vpc: 'vhd' };
const FORMAT_ARG: Record<D.DiskFormatName, string> = { qcow2: 'qcow2', raw: 'raw', vmdk: 'vmdk', vhd: 'vpc' };
const DISK_DEVICES: Record<string, D.DiskBus> = {
  'virtio-blk-pci': 'virtio',
  'virtio-blk-device': 'virtio',
  'virtio-blk': 'virtio',
  'scsi-hd': 'scsi',
  'scsi-cd': 'scsi',
  'ide-hd': 'ide',
  'ide-cd': 'ide',
};
const NIC_DEVICES: Record<string, D.NicModel> = {
  'virtio-net-pci': 'virtio',
  'virtio-net-device': 'virtio',
  'virtio-net': 'virtio',
  e1000: 'e1000',
  e1000e: 'e1000',
  rtl8139: 'rtl8139',
  vmxnet3: 'vmxnet3',
};
const NIC_NAME: Record<D.NicModel, string> = {
  virtio: 'virtio-net-pci',
  e1000: 'e1000',
  rtl8139: 'rtl8139',
  vmxnet3: 'vmxnet3',
};
const DRIVE_KEYS = new Set(['file', 'format', 'if', 'media', 'readonly', 'id']);

interface Opt {
  name: string;
  word: Word;
  arg?: Word;
}
interface Drive {
  opt: Opt;
  kv: [string, string][];
  disk: D.CanonicalDisk;
  bound: boolean;
}

function memMib(v: string, w: Word): number {
  const size = qemuOpts(v, 'size').find(([k]) => k === 'size')?.[1] ?? '';
  const m = /^(\d{1,12})([kKmMgGtT]?)[bB]?$/.exec(size);
  if (!m) throw bad(where(w), `-m ${JSON.stringify(v.slice(0, 30))} is not a size`);
  const n = Number(m[1]);
  const unit = (m[2] || 'M').toUpperCase();
  const mib = unit === 'K' ? n / 1024 : unit === 'M' ? n : unit === 'G' ? n * 1024 : n * 1024 * 1024;
  return int(String(Math.floor(mib)), where(w), 16, 16 * 1024 * 1024);
}

export const qemuCodec: D.DefinitionCodec = {
  format: 'qemu',
  parse(text) {
    const words = splitArgv(text);
    if (!words.length) throw bad('', 'the command line is empty');
    const l = new LossyList();
    const def = blank();
    let i = 0;
    if (!words[0]!.text.startsWith('-')) {
      const bin = words[0]!.text.slice(words[0]!.text.lastIndexOf('/') + 1);
      if (bin === 'qemu-system-aarch64') def.arch = 'aarch64';
      else if (bin !== 'qemu-system-x86_64' && bin !== 'qemu-kvm')
        throw bad(
          where(words[0]!),
          `${JSON.stringify(bin.slice(0, 40))} is not qemu-system-x86_64 or qemu-system-aarch64`,
        );
      i = 1;
    }
    const opts: Opt[] = [];
    while (i < words.length) {
      const w = words[i++]!;
      if (!w.text.startsWith('-'))
        throw bad(where(w), `expected an option, found ${JSON.stringify(w.text.slice(0, 40))}`);
      const name = w.text.replace(/^--?/, '');
      if (NO_ARG.has(name)) opts.push({ name, word: w });
      else {
        const arg = words[i++];
        if (!arg) throw bad(where(w), `${w.text.slice(0, 40)} needs an argument`);
        opts.push({ name, word: w, arg });
      }
    }
    const lossy = (o: Opt, reason = 'no canonical field') =>
      l.add(`${o.word.text} (${where(o.word)})`, o.arg?.text ?? '', reason);
    const drives: Drive[] = [];
    const netdevs = new Map<string, { opt: Opt; network: string }>();
    const nicOpts: Opt[] = [];
    const devices: Opt[] = [];
    let name = '';
    for (const o of opts) {
      const v = o.arg?.text ?? '';
      const w = o.arg ?? o.word;
      switch (o.name) {
        case 'name': {
          const kv = qemuOpts(v, 'guest');
          name = kv.find(([k]) => k === 'guest')?.[1] ?? '';
          if (kv.length > 1) l.add(`-name (${where(w)})`, v, 'only the guest name is canonical');
          break;
        }
        case 'm':
          def.memoryMib = memMib(v, w);
          break;
        case 'smp': {
          const kv = qemuOpts(v, 'cpus');
          const cpus = kv.find(([k]) => k === 'cpus')?.[1];
          if (cpus !== undefined) def.vcpus = int(cpus, where(w), 1, 512);
          if (kv.length > 1) l.add(`-smp (${where(w)})`, v, 'only the vCPU count is canonical');
          break;
        }
        case 'machine':
        case 'M': {
          const kv = qemuOpts(v, 'type');
          const type = kv.find(([k]) => k === 'type')?.[1];
          if (type) def.machine = type;
          if (kv.length > 1) l.add(`-machine (${where(w)})`, v, 'only the machine type is canonical');
          break;
        }
        case 'bios':
          def.firmware = /ovmf|edk2|efi/i.test(v) ? 'uefi' : 'bios';
          if (def.firmware === 'bios') lossy(o, 'a custom BIOS image');
          break;
        case 'kernel':
          def.kernel = { ...def.kernel, path: v };
          break;
        case 'initrd':
        case 'append':
          if (!def.kernel) throw bad(where(o.word), `${o.word.text} needs -kernel before it`);
          if (o.name === 'initrd') def.kernel.initrd = v;
          else def.kernel.cmdline = v;
          break;
        case 'drive':
        case 'cdrom':
        case 'hda':
        case 'hdb':
        case 'hdc':
        case 'hdd': {
          const kv: [string, string][] =
            o.name === 'drive'
              ? qemuOpts(v, '')
              : [['file', v], ['if', 'ide'], ...(o.name === 'cdrom' ? [['media', 'cdrom'] as [string, string]] : [])];
          const get = (k: string) => kv.find(([x]) => x === k)?.[1];
          const iface = get('if') ?? 'ide';
          if (iface === 'pflash') {
            def.firmware = 'uefi';
            l.add(`${o.word.text} (${where(w)})`, v, 'the firmware image itself is not canonical');
            break;
          }
          const bus = ({ virtio: 'virtio', ide: 'ide', scsi: 'scsi', none: 'virtio' } as Record<string, D.DiskBus>)[
            iface
          ];
          if (!bus) throw bad(where(w), `if=${iface.slice(0, 20)} is not supported`);
          const file = get('file') ?? '';
          const cdrom = get('media') === 'cdrom';
          const fmt = get('format') ?? formatOfFile(file) ?? 'raw';
          const format = FORMATS[fmt];
          if (!format) throw bad(where(w), `format=${fmt.slice(0, 20)} is not supported`);
          if (!file && !cdrom) throw bad(where(w), 'a drive needs file=');
          const ro = get('readonly');
          const disk: D.CanonicalDisk = {
            file,
            format,
            bus,
            device: cdrom ? 'cdrom' : 'disk',
            readonly: ro === 'on' || ro === 'true' || cdrom,
          };
          for (const [k, x] of kv) if (!DRIVE_KEYS.has(k)) l.add(`-drive ${k} (${where(w)})`, x, 'no canonical field');
          drives.push({ opt: o, kv, disk, bound: iface !== 'none' });
          break;
        }
        case 'netdev': {
          const kv = qemuOpts(v, 'type');
          const get = (k: string) => kv.find(([x]) => x === k)?.[1];
          const id = get('id') ?? '';
          const type = get('type');
          const network = type === 'bridge' ? (get('br') ?? 'br0') : '';
          if (type !== 'user' && type !== 'bridge')
            l.add(`-netdev (${where(w)})`, v, 'canonical NICs are user-mode or on a named network');
          for (const [k, x] of kv)
            if (!['id', 'type', 'br'].includes(k)) l.add(`-netdev ${k} (${where(w)})`, x, 'no canonical field');
          netdevs.set(id, { opt: o, network });
          break;
        }
        case 'nic':
          nicOpts.push(o);
          break;
        case 'device':
          devices.push(o);
          break;
        case 'serial':
          if (v !== 'none') {
            def.serial = true;
            if (!['stdio', 'pty', 'mon:stdio'].includes(v))
              lossy(o, 'the canonical serial is a console, not its backend');
          }
          break;
        default:
          lossy(o);
      }
    }
    if (!name) throw bad('', '-name is required');
    def.name = name;
    const controllers = new Set<string>();
    const nicOf = (model: D.NicModel, kv: [string, string][], w: Word, network: string): D.CanonicalNic => {
      const n: D.CanonicalNic = { model, network };
      const m = kv.find(([k]) => k === 'mac')?.[1];
      if (m !== undefined) n.mac = mac(m, where(w));
      return n;
    };
    for (const o of [...devices, ...nicOpts].sort((a, b) => a.word.index - b.word.index)) {
      const w = o.arg!;
      if (o.name === 'nic') {
        const kv = qemuOpts(w.text, 'type');
        const get = (k: string) => kv.find(([x]) => x === k)?.[1];
        const model = NIC_DEVICES[get('model') ?? 'virtio-net-pci'];
        if (!model) throw bad(where(w), `NIC model ${(get('model') ?? '').slice(0, 30)} is not supported`);
        def.nics.push(nicOf(model, kv, w, get('type') === 'bridge' ? (get('br') ?? 'br0') : ''));
        continue;
      }
      const kv = qemuOpts(w.text, 'driver');
      const get = (k: string) => kv.find(([x]) => x === k)?.[1];
      const driver = get('driver') ?? '';
      if (DISK_DEVICES[driver]) {
        const d = drives.find((x) => x.kv.some(([k, v]) => k === 'id' && v === get('drive')));
        if (!d) throw bad(where(w), `drive=${(get('drive') ?? '').slice(0, 40)} names no -drive`);
        d.bound = true;
        d.disk.bus = DISK_DEVICES[driver]!;
        if (get('bus')?.startsWith('ahci')) d.disk.bus = 'sata';
        if (driver.endsWith('-cd')) {
          d.disk.device = 'cdrom';
          d.disk.readonly = true;
        }
        controllers.add((get('bus') ?? '').split('.')[0]!);
      } else if (NIC_DEVICES[driver]) {
        const nd = netdevs.get(get('netdev') ?? '');
        if (!nd) throw bad(where(w), `netdev=${(get('netdev') ?? '').slice(0, 40)} names no -netdev`);
        if (driver === 'e1000e') l.add(`-device (${where(w)})`, driver, 'no canonical NIC model; e1000 assumed');
        def.nics.push(nicOf(NIC_DEVICES[driver]!, kv, w, nd.network));
      }
    }
    for (const o of devices) {
      const kv = qemuOpts(o.arg!.text, 'driver');
      const driver = kv[0]?.[1] ?? '';
      const id = kv.find(([k]) => k === 'id')?.[1];
      const isController =
        (driver === 'virtio-scsi-pci' || driver === 'ahci') && id !== undefined && controllers.has(id);
      if (!DISK_DEVICES[driver] && !NIC_DEVICES[driver] && !isController) lossy(o);
    }
    for (const d of drives) {
      if (d.bound) def.disks.push(d.disk);
      else lossy(d.opt, 'a drive no device uses');
    }
    return finish(def, l);
  },
  render(def) {
    const l = new LossyList();
    // A name with , or = would read as options: say it as guest=NAME with commas doubled.
    const name = /[,=]/.test(def.name) ? `guest=${optValue(def.name)}` : def.name;
    const argv: string[][] = [[`qemu-system-${def.arch}`], ['-name', name]];
    if (def.machine) argv.push(['-machine', def.machine]);
    argv.push(['-m', String(def.memoryMib)], ['-smp', String(def.vcpus)]);
    if (def.firmware === 'uefi') argv.push(['-bios', '/usr/share/ovmf/OVMF.fd']);
    if (def.kernel) {
      argv.push(['-kernel', def.kernel.path]);
      if (def.kernel.initrd !== undefined) argv.push(['-initrd', def.kernel.initrd]);
      if (def.kernel.cmdline !== undefined) argv.push(['-append', def.kernel.cmdline]);
    }
    const ctrls = new Set<string>();
    def.disks.forEach((d, i) => {
      const drive = [
        d.file ? `file=${optValue(d.file)}` : '',
        `format=${FORMAT_ARG[d.format]}`,
        'if=none',
        `id=disk${i}`,
      ];
      if (d.device === 'cdrom') drive.push('media=cdrom');
      if (d.readonly && d.device !== 'cdrom') drive.push('readonly=on');
      if (d.readonly !== (d.device === 'cdrom') && d.device === 'cdrom')
        cannot(l, T, `$.disks[${i}].readonly`, d.readonly, 'writable CD-ROMs');
      if (d.sizeBytes !== undefined)
        cannot(l, T, `$.disks[${i}].sizeBytes`, d.sizeBytes, 'a disk size (the image has it)');
      argv.push(['-drive', drive.filter(Boolean).join(',')]);
      const cd = d.device === 'cdrom';
      if (d.bus === 'scsi' && !ctrls.has('scsi0')) argv.push(['-device', 'virtio-scsi-pci,id=scsi0']);
      if (d.bus === 'sata' && !ctrls.has('ahci0')) argv.push(['-device', 'ahci,id=ahci0']);
      ctrls.add(d.bus === 'scsi' ? 'scsi0' : d.bus === 'sata' ? 'ahci0' : d.bus);
      const dev =
        d.bus === 'virtio'
          ? 'virtio-blk-pci'
          : d.bus === 'scsi'
            ? `${cd ? 'scsi-cd' : 'scsi-hd'},bus=scsi0.0`
            : d.bus === 'sata'
              ? `${cd ? 'ide-cd' : 'ide-hd'},bus=ahci0.${def.disks.slice(0, i).filter((x) => x.bus === 'sata').length}`
              : cd
                ? 'ide-cd'
                : 'ide-hd';
      argv.push(['-device', `${dev.split(',')[0]},drive=disk${i}${dev.includes(',') ? ',' + dev.split(',')[1] : ''}`]);
    });
    def.nics.forEach((n, i) => {
      argv.push(['-netdev', n.network ? `bridge,id=net${i},br=${optValue(n.network)}` : `user,id=net${i}`]);
      argv.push(['-device', `${NIC_NAME[n.model]},netdev=net${i}${n.mac ? `,mac=${n.mac}` : ''}`]);
    });
    if (def.serial) argv.push(['-serial', 'stdio']);
    nepheleOnly(def, l, T);
    return { text: argv.map((a) => a.map(quoteWord).join(' ')).join(' \\\n  ') + '\n', lossy: l.done() };
  },
};
