import type * as D from '../../../common/spec/definition.js';
import {
  taker,
  LossyList,
  bad,
  blank,
  cannot,
  checkSize,
  finish,
  formatOfFile,
  int,
  mac,
  nepheleOnly,
} from './common.js';

// VMware .vmx: `key = "value"` lines, keys case-insensitive, values with |XX hex
// escapes. Disks are `<bus><n>:<m>.fileName`, NICs `ethernet<n>.*`. Every key the
// canonical spec does not take is listed as lossy by its name.

const T = 'vmx';
const MAX_LINES = 20_000;
interface Entry {
  key: string;
  value: string;
  line: number;
  used: boolean;
}

const unescape = (v: string) =>
  v.replace(/\|([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
const escape = (v: string) =>
  v.replace(/[|"\x00-\x1f\x7f#]/g, (c) => `|${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

export function readVmx(text: string): Map<string, Entry> {
  checkSize(text);
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) throw bad(`line ${MAX_LINES + 1}`, `more than ${MAX_LINES} lines`);
  const out = new Map<string, Entry>();
  lines.forEach((raw, i) => {
    const s = raw.trim();
    if (!s || s.startsWith('#') || (i === 0 && s.startsWith('#!'))) return;
    const m = /^([A-Za-z0-9_.:-]{1,128})\s*=\s*(?:"([^"]*)"|([^"\s#]*))\s*(#.*)?$/.exec(s);
    if (!m) throw bad(`line ${i + 1}`, 'expected key = "value"');
    const key = m[1]!.toLowerCase();
    const prior = out.get(key);
    if (prior) throw bad(`line ${i + 1}`, `${m[1]} repeats line ${prior.line}`);
    out.set(key, { key: m[1]!, value: unescape(m[2] ?? m[3] ?? ''), line: i + 1, used: false });
  });
  return out;
}

const BUS_OF: Record<string, D.DiskBus> = { scsi: 'scsi', ide: 'ide', sata: 'sata', nvme: 'virtio' };
const MODEL_OF: Record<string, D.NicModel> = { e1000: 'e1000', e1000e: 'e1000', vmxnet3: 'vmxnet3' };

export const vmxCodec: D.DefinitionCodec = {
  format: 'vmx',
  parse(text) {
    const kv = readVmx(text);
    const l = new LossyList();
    const get = taker(kv, (k) => k.toLowerCase());
    const at = (e: { line: number }) => `line ${e.line}`;
    const def = blank();
    get('.encoding'); // the file's own envelope, not the VM's
    get('config.version');
    const name = get('displayName');
    if (!name?.value) throw bad('', 'displayName is required');
    def.name = name.value;
    const cpus = get('numvcpus');
    if (cpus) def.vcpus = int(cpus.value, at(cpus), 1, 512);
    const mem = get('memsize');
    if (mem) def.memoryMib = int(mem.value, at(mem), 16, 16 * 1024 * 1024);
    const os = kv.get('guestos');
    if (os && /^arm-/i.test(os.value)) def.arch = 'aarch64';
    const fw = get('firmware');
    if (fw && fw.value.toLowerCase() === 'efi') def.firmware = 'uefi';
    else if (fw && fw.value.toLowerCase() !== 'bios')
      throw bad(at(fw), `firmware ${JSON.stringify(fw.value.slice(0, 20))} is not supported`);
    const truthy = (e: Entry | undefined) => !e || e.value.toLowerCase() !== 'false';
    // Disks, in the order their fileName lines appear.
    const files = [...kv.values()]
      .filter((e) => /^(scsi|ide|sata|nvme)\d+:\d+\.filename$/i.test(e.key))
      .sort((a, b) => a.line - b.line);
    for (const f of files) {
      const dev = f.key.slice(0, f.key.indexOf('.')).toLowerCase();
      const present = kv.get(`${dev}.present`);
      if (!truthy(present)) continue;
      f.used = true;
      if (present) present.used = true;
      const ctrl = kv.get(`${dev.slice(0, dev.indexOf(':'))}.present`);
      if (ctrl && truthy(ctrl)) ctrl.used = true;
      const busName = /^[a-z]+/.exec(dev)![0];
      const bus = BUS_OF[busName]!;
      if (busName === 'nvme') l.add(`${dev}.fileName`, f.value, 'no NVMe bus in the canonical spec; virtio assumed');
      const type = get(`${dev}.deviceType`)?.value.toLowerCase() ?? 'disk';
      const cdrom = type.includes('cdrom');
      if (!cdrom && !/^(disk|scsi-harddisk|ata-harddisk|plainDisk)$/i.test(type))
        throw bad(at(kv.get(`${dev}.devicetype`)!), `deviceType ${JSON.stringify(type.slice(0, 30))} is not supported`);
      const d: D.CanonicalDisk = {
        file: f.value,
        format: formatOfFile(f.value) ?? 'vmdk',
        bus,
        device: cdrom ? 'cdrom' : 'disk',
        readonly: cdrom,
      };
      def.disks.push(d);
    }
    for (const p of [...kv.values()]
      .filter((e) => /^ethernet\d+\.present$/i.test(e.key))
      .sort((a, b) => a.line - b.line)) {
      if (!truthy(p)) continue;
      p.used = true;
      const dev = p.key.slice(0, p.key.indexOf('.')).toLowerCase();
      const vd = get(`${dev}.virtualDev`);
      const model: D.NicModel = MODEL_OF[(vd?.value ?? 'e1000').toLowerCase()] ?? 'e1000';
      if (vd && vd.value.toLowerCase() !== model) l.add(vd.key, vd.value, `no canonical NIC model; ${model} assumed`);
      const net = get(`${dev}.networkName`);
      const conn = kv.get(`${dev}.connectiontype`);
      if (!net && conn?.value.toLowerCase() === 'nat') conn.used = true;
      const n: D.CanonicalNic = { model, network: net?.value ?? '' };
      const type = get(`${dev}.addressType`);
      const addr = type?.value.toLowerCase() === 'static' ? get(`${dev}.address`) : get(`${dev}.generatedAddress`);
      if (addr) n.mac = mac(addr.value, at(addr));
      def.nics.push(n);
    }
    def.serial = truthy(kv.get('serial0.present')) && kv.has('serial0.present');
    if (def.serial) get('serial0.present');
    for (const e of kv.values()) if (!e.used) l.add(e.key, e.value, 'no canonical field');
    return finish(def, l);
  },
  render(def) {
    const l = new LossyList();
    const lines: [string, string | number][] = [
      ['.encoding', 'UTF-8'],
      ['config.version', '8'],
      ['virtualHW.version', '19'],
      ['displayName', def.name],
      ['guestOS', def.arch === 'aarch64' ? 'arm-other-64' : 'other-64'],
      ['numvcpus', def.vcpus],
      ['memsize', def.memoryMib],
    ];
    if (def.firmware === 'uefi') lines.push(['firmware', 'efi']);
    if (def.machine) cannot(l, T, '$.machine', def.machine, 'a machine type');
    if (def.kernel) cannot(l, T, '$.kernel', def.kernel, 'direct kernel boot');
    const slots: Record<string, number> = {};
    const ctrls = new Set<string>();
    def.disks.forEach((d, i) => {
      let bus: string = d.bus;
      if (d.bus === 'virtio') {
        bus = 'scsi';
        cannot(l, T, `$.disks[${i}].bus`, d.bus, 'virtio disks (SCSI used)');
      }
      // IDE has two devices per channel; the others take up to 15 on controller 0.
      const n = slots[bus] ?? 0;
      slots[bus] = n + 1;
      const dev =
        bus === 'ide' ? `ide${Math.floor(n / 2)}:${n % 2}` : `${bus}0:${n >= 7 && bus === 'scsi' ? n + 1 : n}`;
      const ctrl = dev.slice(0, dev.indexOf(':'));
      if (!ctrls.has(ctrl)) {
        ctrls.add(ctrl);
        lines.push([`${ctrl}.present`, 'TRUE']);
        if (bus === 'scsi') lines.push([`${ctrl}.virtualDev`, 'pvscsi']);
      }
      lines.push([`${dev}.present`, 'TRUE'], [`${dev}.fileName`, d.file]);
      if (d.device === 'cdrom') lines.push([`${dev}.deviceType`, 'cdrom-image']);
      if ((formatOfFile(d.file) ?? 'vmdk') !== d.format)
        cannot(
          l,
          T,
          `$.disks[${i}].format`,
          d.format,
          `a ${d.format} disk named ${d.file.slice(-40)} (VMware reads VMDK)`,
        );
      if (d.readonly !== (d.device === 'cdrom'))
        cannot(l, T, `$.disks[${i}].readonly`, d.readonly, 'read-only disks (only CD-ROMs are)');
      if (d.sizeBytes !== undefined)
        cannot(l, T, `$.disks[${i}].sizeBytes`, d.sizeBytes, 'a disk size (the VMDK has it)');
    });
    def.nics.forEach((n, i) => {
      const dev = `ethernet${i}`;
      let model: string = n.model;
      if (n.model === 'virtio' || n.model === 'rtl8139') {
        model = 'vmxnet3';
        cannot(l, T, `$.nics[${i}].model`, n.model, `${n.model} NICs (vmxnet3 used)`);
      }
      lines.push([`${dev}.present`, 'TRUE'], [`${dev}.virtualDev`, model]);
      if (n.network) lines.push([`${dev}.networkName`, n.network]);
      else lines.push([`${dev}.connectionType`, 'nat']);
      if (n.mac) lines.push([`${dev}.addressType`, 'static'], [`${dev}.address`, n.mac]);
    });
    if (def.serial) lines.push(['serial0.present', 'TRUE']);
    nepheleOnly(def, l, T);
    const text = lines.map(([k, v]) => `${k} = "${escape(String(v))}"`).join('\n') + '\n';
    return { text, lossy: l.done() };
  },
};
