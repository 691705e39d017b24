import type * as D from '../../../common/spec/definition.js';
import { taker, LossyList, bad, blank, cannot, finish, int, mac, nepheleOnly } from './common.js';
import { readXl, xlValue, type XlSetting, type XlValue } from './xl-read.js';

// Xen xl.cfg. Disks are xl disk specs (key=value, or the positional
// target,format,vdev,access form), NICs vif specs; the vdev prefix names the
// bus (xvd: paravirtual, taken as virtio; hd: IDE; sd: SCSI).

const T = 'xl';
const FORMATS: Record<string, D.DiskFormatName> = { qcow2: 'qcow2', raw: 'raw', vmdk: 'vmdk', vhd: 'vhd' };
const PREFIX: Record<D.DiskBus, string> = { virtio: 'xvd', ide: 'hd', scsi: 'sd', sata: 'sd' };
const MODELS: Record<string, D.NicModel> = { e1000: 'e1000', rtl8139: 'rtl8139' };

const at = (s: XlSetting, i?: number) => `line ${s.line}${i === undefined ? '' : `, entry ${i + 1}`}`;
const list = (s: XlSetting | undefined): XlValue[] =>
  s === undefined ? [] : Array.isArray(s.value) ? s.value : [s.value];
function scalar(s: XlSetting): string {
  if (Array.isArray(s.value)) throw bad(at(s), `${s.key} must be a single value`);
  return s.value;
}

/** key=value pairs of a spec; `target=` takes the rest of the spec (it may hold commas). */
function pairs(spec: string): [string, string][] {
  const out: [string, string][] = [];
  let rest = spec;
  while (rest.length) {
    const m = /^\s*([a-z_-]+)\s*(?:=\s*)?/.exec(rest);
    if (m && m[1] === 'target' && m[0].includes('=')) {
      out.push(['target', rest.slice(m[0].length).trim()]);
      break;
    }
    const comma = rest.indexOf(',');
    const part = comma < 0 ? rest : rest.slice(0, comma);
    rest = comma < 0 ? '' : rest.slice(comma + 1);
    const eq = part.indexOf('=');
    out.push(eq < 0 ? [part.trim(), ''] : [part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return out.filter(([k]) => k);
}

function disk(s: XlSetting, spec: XlValue, i: number, l: LossyList): D.CanonicalDisk {
  if (Array.isArray(spec)) throw bad(at(s, i), 'a disk spec must be a string');
  let kv = pairs(spec);
  // Positional form: target,format,vdev,access
  if (kv.every(([, v]) => v === '')) {
    const p = spec.split(',').map((x) => x.trim());
    kv = [
      ['target', p[0] ?? ''],
      ['format', p[1] ?? ''],
      ['vdev', p[2] ?? ''],
      ['access', p[3] ?? ''],
    ];
    kv = kv.filter(([, v]) => v);
  }
  const get = (k: string) => kv.find(([x]) => x === k)?.[1];
  const target = get('target') ?? '';
  const fmtName = get('format') ?? 'raw';
  const format = FORMATS[fmtName];
  if (!format) throw bad(at(s, i), `disk format ${JSON.stringify(fmtName.slice(0, 20))} is not supported`);
  const vdev = get('vdev') ?? '';
  const prefix = /^(xvd|hd|sd)[a-z]+$/.exec(vdev)?.[1];
  if (!prefix) throw bad(at(s, i), `vdev ${JSON.stringify(vdev.slice(0, 20))} is not xvdX, hdX or sdX`);
  const bus: D.DiskBus = prefix === 'xvd' ? 'virtio' : prefix === 'hd' ? 'ide' : 'scsi';
  const cdrom = get('devtype') === 'cdrom' || kv.some(([k]) => k === 'cdrom');
  if (!target && !cdrom) throw bad(at(s, i), 'a disk needs a target');
  const access = get('access') ?? 'rw';
  if (!['rw', 'w', 'ro', 'r'].includes(access))
    throw bad(at(s, i), `access ${JSON.stringify(access.slice(0, 10))} is not rw or ro`);
  const known = new Set(['target', 'format', 'vdev', 'access', 'devtype', 'cdrom']);
  for (const [k, v] of kv) if (!known.has(k)) l.add(`disk[${i}].${k}`, v, 'no canonical field');
  return { file: target, format, bus, device: cdrom ? 'cdrom' : 'disk', readonly: access === 'ro' || access === 'r' };
}

function vif(s: XlSetting, spec: XlValue, i: number, l: LossyList): D.CanonicalNic {
  if (Array.isArray(spec)) throw bad(at(s, i), 'a vif spec must be a string');
  const kv = pairs(spec);
  const get = (k: string) => kv.find(([x]) => x === k)?.[1];
  const modelName = get('model');
  let model: D.NicModel = 'virtio'; // no model: the paravirtual netfront
  if (modelName !== undefined) {
    model = MODELS[modelName] ?? 'e1000';
    if (!MODELS[modelName]) l.add(`vif[${i}].model`, modelName, `no canonical NIC model; ${model} assumed`);
  }
  const n: D.CanonicalNic = { model, network: get('bridge') ?? '' };
  const m = get('mac');
  if (m !== undefined) n.mac = mac(m, at(s, i));
  for (const [k, v] of kv)
    if (!['model', 'bridge', 'mac'].includes(k)) l.add(`vif[${i}].${k}`, v, 'no canonical field');
  return n;
}

export const xlCodec: D.DefinitionCodec = {
  format: 'xl',
  parse(text) {
    const kv = readXl(text);
    const l = new LossyList();
    const get = taker(kv);
    const def = blank();
    const name = get('name');
    if (!name) throw bad('', 'name is required');
    def.name = scalar(name);
    const vcpus = get('vcpus');
    if (vcpus) def.vcpus = int(scalar(vcpus), at(vcpus), 1, 512);
    const mem = get('memory');
    if (mem) def.memoryMib = int(scalar(mem), at(mem), 16, 16 * 1024 * 1024);
    const bios = get('bios') ?? get('firmware');
    if (bios) {
      const b = scalar(bios);
      if (b === 'ovmf' || b === 'uefi') def.firmware = 'uefi';
      else if (b !== 'seabios' && b !== 'rombios' && b !== 'bios')
        throw bad(at(bios), `${bios.key} ${JSON.stringify(b.slice(0, 20))} is not supported`);
    }
    const kernel = get('kernel');
    if (kernel) {
      def.kernel = { path: scalar(kernel) };
      const rd = get('ramdisk');
      const extra = get('extra') ?? get('cmdline');
      if (rd) def.kernel.initrd = scalar(rd);
      if (extra) def.kernel.cmdline = scalar(extra);
    }
    const d = get('disk');
    def.disks = list(d).map((x, i) => disk(d!, x, i, l));
    const v = get('vif');
    def.nics = list(v).map((x, i) => vif(v!, x, i, l));
    const serial = get('serial');
    if (serial) {
      const sv = list(serial);
      def.serial = sv.length > 0 && sv[0] !== 'none';
      if (def.serial && (sv.length !== 1 || sv[0] !== 'pty'))
        l.add('serial', xlValue(serial.value), 'the canonical serial is a console, not its backend');
    }
    for (const s of kv.values()) if (!s.used) l.add(s.key, xlValue(s.value), 'no canonical field');
    return finish(def, l);
  },
  render(def) {
    const l = new LossyList();
    const lines: string[] = [
      `name = ${xlValue(def.name)}`,
      `type = 'hvm'`,
      `vcpus = ${def.vcpus}`,
      `memory = ${def.memoryMib}`,
    ];
    if (def.firmware === 'uefi') lines.push(`bios = 'ovmf'`);
    if (def.arch !== 'x86_64') cannot(l, T, '$.arch', def.arch, 'an architecture (x86_64 assumed)');
    if (def.machine) cannot(l, T, '$.machine', def.machine, 'a machine type');
    if (def.kernel) {
      lines.push(`kernel = ${xlValue(def.kernel.path)}`);
      if (def.kernel.initrd !== undefined) lines.push(`ramdisk = ${xlValue(def.kernel.initrd)}`);
      if (def.kernel.cmdline !== undefined) lines.push(`extra = ${xlValue(def.kernel.cmdline)}`);
    }
    const used: Record<string, number> = {};
    const disks = def.disks.map((d, i) => {
      if (d.bus === 'sata') cannot(l, T, `$.disks[${i}].bus`, d.bus, 'SATA disks (SCSI used)');
      if (d.sizeBytes !== undefined)
        cannot(l, T, `$.disks[${i}].sizeBytes`, d.sizeBytes, 'a disk size (the image has it)');
      const p = PREFIX[d.bus];
      const n = used[p] ?? 0;
      used[p] = n + 1;
      const parts = [
        `format=${d.format}`,
        `vdev=${p}${String.fromCharCode(97 + (n % 26))}`,
        `access=${d.readonly ? 'ro' : 'rw'}`,
      ];
      if (d.device === 'cdrom') parts.push('devtype=cdrom');
      parts.push(`target=${d.file}`);
      return xlValue(parts.join(', '));
    });
    if (disks.length) lines.push(`disk = [ ${disks.join(',\n         ')} ]`);
    const vifs = def.nics.map((n, i) => {
      const parts: string[] = [];
      if (n.mac) parts.push(`mac=${n.mac}`);
      if (/[,=\s]/.test(n.network)) cannot(l, T, `$.nics[${i}].network`, n.network, 'a bridge name with , = or blanks');
      else if (n.network) parts.push(`bridge=${n.network}`);
      if (n.model === 'vmxnet3') cannot(l, T, `$.nics[${i}].model`, n.model, 'vmxnet3 NICs (e1000 used)');
      if (n.model !== 'virtio') parts.push(`model=${n.model === 'vmxnet3' ? 'e1000' : n.model}`);
      return xlValue(parts.join(', '));
    });
    if (vifs.length) lines.push(`vif = [ ${vifs.join(',\n        ')} ]`);
    if (def.serial) lines.push(`serial = 'pty'`);
    nepheleOnly(def, l, T);
    return { text: lines.join('\n') + '\n', lossy: l.done() };
  },
};
