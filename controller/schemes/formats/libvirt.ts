import type * as D from '../../../common/spec/definition.js';
import { LossyList, bad, blank, cannot, finish, int, mac, NIC_MODELS } from './common.js';
import { attr, el, kid, kids, leftovers, parseXml, textOf, useAll, write, type El, type XNode } from './xml.js';

// libvirt domain XML (the portable definition; the libvirt driver renders its own
// runtime XML). Nephele's own fields ride in <metadata> under our namespace, which
// libvirt keeps verbatim.

export const NEPHELE_NS = 'https://nephele.dev/xmlns/domain/1';
const T = 'libvirt';

const UNITS: Record<string, number> = {
  b: 1,
  bytes: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};
const DRIVER_TYPES: Record<string, D.DiskFormatName> = { qcow2: 'qcow2', raw: 'raw', vmdk: 'vmdk', vpc: 'vhd' };
const TYPE_OF: Record<D.DiskFormatName, string> = { qcow2: 'qcow2', raw: 'raw', vmdk: 'vmdk', vhd: 'vpc' };
const PREFIX: Record<D.DiskBus, string> = { virtio: 'vd', scsi: 'sd', sata: 'sd', ide: 'hd' };

/** libvirt wants absolute paths: a relative name (a .vmx's "disk.vmdk") goes under libvirt's default pool directory. */
export const POOL_DIR = '/var/lib/libvirt/images';
function absolute(file: string, path: string, l: LossyList): string {
  if (file.startsWith('/')) return file;
  const base = file.slice(file.lastIndexOf('/') + 1) || 'disk';
  const out = `${POOL_DIR}/${base}`;
  l.add(path, file, `libvirt needs an absolute path; ${out} written`);
  return out;
}

function memory(n: XNode, l: LossyList): number {
  const unit = (attr(n, 'unit') ?? 'KiB').toLowerCase();
  const mult = UNITS[unit];
  if (!mult) throw bad(`${n.path}/@unit`, `unknown unit ${JSON.stringify(unit.slice(0, 20))}`);
  n.textUsed = true;
  const bytes = int(n.text, n.path, 1, 2 ** 53 / mult) * mult;
  const mib = Math.floor(bytes / 1024 ** 2);
  if (bytes % 1024 ** 2) l.add(n.path, `${n.text} ${unit}`, 'rounded down to whole MiB');
  return mib;
}

function disk(n: XNode): D.CanonicalDisk | undefined {
  const device = attr(n, 'device') ?? 'disk';
  if (device !== 'disk' && device !== 'cdrom') return undefined; // floppy, lun: left for the lossy list
  const kind = n.attrs.type ?? 'file';
  if (kind !== 'file' && kind !== 'block') return undefined; // network, volume: left for the lossy list
  n.used = true;
  attr(n, 'type');
  const src = kid(n, 'source');
  const file = attr(src, 'file') ?? attr(src, 'dev') ?? '';
  if (!file && device === 'disk') throw bad(`${n.path}/source`, 'a disk needs a source file');
  const drv = kid(n, 'driver');
  attr(drv, 'name');
  const type = attr(drv, 'type') ?? 'raw';
  const format = DRIVER_TYPES[type];
  if (!format) throw bad(`${n.path}/driver/@type`, `disk format ${JSON.stringify(type.slice(0, 20))} is not supported`);
  const target = kid(n, 'target');
  attr(target, 'dev');
  const busName = attr(target, 'bus') ?? 'virtio';
  const bus = (['virtio', 'scsi', 'ide', 'sata'] as const).find((b) => b === busName);
  if (!bus) throw bad(`${n.path}/target/@bus`, `bus ${JSON.stringify(busName.slice(0, 20))} is not supported`);
  return { file, format, bus, device, readonly: kids(n, 'readonly').length > 0 };
}

function nic(n: XNode, l: LossyList): D.CanonicalNic {
  const type = attr(n, 'type') ?? 'user';
  const src = kid(n, 'source');
  let network = '';
  if (type === 'network') network = attr(src, 'network') ?? '';
  else if (type === 'bridge') {
    network = attr(src, 'bridge') ?? '';
    l.add(`${n.path}/@type`, type, 'canonical NICs name a network; the bridge is kept as its name');
  } else if (type !== 'user') n.usedAttrs.delete('type'); // direct, vhostuser...: listed as lossy
  const modelName = attr(kid(n, 'model'), 'type') ?? 'virtio';
  let model = NIC_MODELS.find((m) => m === modelName);
  if (!model) {
    model = 'virtio';
    l.add(`${n.path}/model/@type`, modelName, 'no canonical NIC model; virtio assumed');
  }
  const out: D.CanonicalNic = { model: model as D.NicModel, network };
  const m = attr(kid(n, 'mac'), 'address');
  if (m !== undefined) out.mac = mac(m, `${n.path}/mac/@address`);
  return out;
}

function metadata(root: XNode, def: D.CanonicalDefinition): void {
  const meta = root.kids.find((k) => k.tag === 'metadata');
  const vm = meta?.kids.find((k) => k.attrs[`xmlns:${k.tag.split(':')[0]}`] === NEPHELE_NS);
  if (!meta || !vm) return;
  meta.used = true;
  vm.used = true;
  const app = kid(vm, 'appliance');
  const port = attr(app, 'port');
  if (app && port !== undefined) def.appliancePort = int(port, `${app.path}/@port`, 1, 65535);
  const cfg = kids(vm, 'config');
  if (cfg.length) def.config = {};
  for (const c of cfg) def.config![attr(c, 'key') ?? ''] = attr(c, 'value') ?? '';
}

export const libvirtCodec: D.DefinitionCodec = {
  format: 'libvirt',
  parse(text) {
    const root = parseXml(text);
    if (root.tag !== 'domain') throw bad(root.path, 'the root element must be <domain>');
    root.used = true;
    const l = new LossyList();
    const def = blank();
    def.name = textOf(root, 'name') ?? '';
    if (!def.name) throw bad('/domain/name', 'is required');
    const mem = kid(root, 'memory');
    if (!mem) throw bad('/domain/memory', 'is required');
    def.memoryMib = memory(mem, l);
    const cur = root.kids.find((k) => k.tag === 'currentMemory');
    if (cur && memory(cur, new LossyList()) === def.memoryMib) useAll(cur);
    const vcpu = kid(root, 'vcpu');
    if (vcpu) {
      vcpu.textUsed = true;
      def.vcpus = int(vcpu.text, vcpu.path, 1, 512);
    }
    const os = kid(root, 'os');
    const type = kid(os, 'type');
    if (type) type.textUsed = type.text === 'hvm';
    const arch = attr(type, 'arch') ?? 'x86_64';
    if (arch !== 'x86_64' && arch !== 'aarch64')
      throw bad(`${type!.path}/@arch`, `arch ${arch.slice(0, 20)} is not supported`);
    def.arch = arch;
    const machine = attr(type, 'machine');
    if (machine) def.machine = machine;
    const fw = attr(os, 'firmware');
    if (fw === 'efi') def.firmware = 'uefi';
    else if (fw !== undefined && fw !== 'bios')
      throw bad(`${os!.path}/@firmware`, `firmware ${fw.slice(0, 20)} is not supported`);
    const loader = os?.kids.find((k) => k.tag === 'loader');
    if (loader && loader.attrs.type === 'pflash') {
      loader.used = true;
      def.firmware = 'uefi';
    }
    const kernel = textOf(os, 'kernel');
    if (kernel) {
      def.kernel = { path: kernel };
      const initrd = textOf(os, 'initrd');
      const cmdline = textOf(os, 'cmdline');
      if (initrd) def.kernel.initrd = initrd;
      if (cmdline) def.kernel.cmdline = cmdline;
    }
    const devices = kid(root, 'devices');
    const diskNodes = devices?.kids.filter((k) => k.tag === 'disk') ?? [];
    def.disks = diskNodes.map(disk).filter((d): d is D.CanonicalDisk => !!d);
    def.nics = kids(devices, 'interface').map((n) => nic(n, l));
    const serials = kids(devices, 'serial');
    def.serial = serials.length > 0;
    for (const s of serials) {
      // The canonical serial is "a console exists"; pty/file/tcp specifics stay behind.
      attr(s, 'type');
      const target = s.kids.find((k) => k.tag === 'target');
      if (target && (target.attrs.port ?? '0') === '0' && Object.keys(target.attrs).length <= 1) useAll(target);
    }
    // The console that mirrors serial 0 is libvirt's own echo of it.
    for (const c of devices?.kids.filter((k) => k.tag === 'console') ?? [])
      if (def.serial && (c.attrs.type ?? 'pty') === 'pty') useAll(c);
    metadata(root, def);
    leftovers(root, l);
    return finish(def, l);
  },
  render(def) {
    const l = new LossyList();
    const disks = def.disks.map((d, i): El => {
      if (d.sizeBytes !== undefined)
        cannot(l, T, `$.disks[${i}].sizeBytes`, d.sizeBytes, 'a disk size (the image has it)');
      const same = def.disks.slice(0, i).filter((x) => PREFIX[x.bus] === PREFIX[d.bus]).length;
      return el('disk', { type: 'file', device: d.device }, [
        el('driver', { name: 'qemu', type: TYPE_OF[d.format] }),
        d.file ? el('source', { file: absolute(d.file, `$.disks[${i}].file`, l) }) : undefined,
        el('target', { dev: `${PREFIX[d.bus]}${String.fromCharCode(97 + (same % 26))}`, bus: d.bus }),
        d.readonly && el('readonly'),
      ]);
    });
    const nics = def.nics.map((n) =>
      el('interface', { type: n.network ? 'network' : 'user' }, [
        n.mac ? el('mac', { address: n.mac }) : undefined,
        n.network ? el('source', { network: n.network }) : undefined,
        el('model', { type: n.model }),
      ]),
    );
    const meta =
      def.appliancePort !== undefined || def.config
        ? el('metadata', {}, [
            el('nephele:vm', { 'xmlns:nephele': NEPHELE_NS }, [
              def.appliancePort !== undefined && el('nephele:appliance', { port: def.appliancePort }),
              ...Object.entries(def.config ?? {}).map(([key, value]) => el('nephele:config', { key, value })),
            ]),
          ])
        : undefined;
    const k = def.kernel;
    const dom = el('domain', { type: 'kvm' }, [
      el('name', {}, def.name),
      meta,
      el('memory', { unit: 'MiB' }, def.memoryMib),
      el('vcpu', {}, def.vcpus),
      el('os', def.firmware === 'uefi' ? { firmware: 'efi' } : {}, [
        el('type', { arch: def.arch, machine: def.machine }, 'hvm'),
        k && el('kernel', {}, absolute(k.path, '$.kernel.path', l)),
        k?.initrd !== undefined && el('initrd', {}, absolute(k.initrd, '$.kernel.initrd', l)),
        k?.cmdline !== undefined && el('cmdline', {}, k.cmdline),
      ]),
      el('devices', {}, [...disks, ...nics, def.serial && el('serial', { type: 'pty' }, [el('target', { port: 0 })])]),
    ]);
    return { text: write(dom), lossy: l.done() };
  },
};
