import type * as D from '../../../common/spec/definition.js';
import { LossyList, bad, blank, cannot, finish, int, mac } from './common.js';
import { attr, el, kid, kids, leftovers, local, parseXml, textOf, useAll, write, type El, type XNode } from './xml.js';

// OVF 2.x envelopes (DSP0243): References/File, DiskSection/Disk, NetworkSection,
// one VirtualSystem whose VirtualHardwareSection lists Items by rasd:ResourceType
// (3 CPU, 4 memory, 5/6/20 controllers, 10 NIC, 15/16 CD, 17 disk, 21 serial).
// Namespaces are matched by local name (writers pick their own prefixes). Nephele's
// appliance settings travel in ProductSections of our own class.

const T = 'ovf';
const NS = {
  xmlns: 'http://schemas.dmtf.org/ovf/envelope/2',
  'xmlns:ovf': 'http://schemas.dmtf.org/ovf/envelope/2',
  'xmlns:rasd': 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData',
  'xmlns:vssd': 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData',
  'xmlns:vmw': 'http://www.vmware.com/schema/ovf',
};
const FORMAT_URL: Record<D.DiskFormatName, string> = {
  vmdk: 'http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized',
  qcow2: 'http://www.gnome.org/~markmc/qcow-image-format.html',
  vhd: 'http://go.microsoft.com/fwlink/?LinkId=137171',
  raw: 'https://nephele.dev/disk-format/raw',
};
const CLASS_CONFIG = 'dev.nephele.config';
const CLASS_NEPHELE = 'dev.nephele';
const NIC_SUBTYPES: Record<string, D.NicModel> = {
  e1000: 'e1000',
  e1000e: 'e1000',
  vmxnet3: 'vmxnet3',
  virtio: 'virtio',
  'virtio-net': 'virtio',
  rtl8139: 'rtl8139',
};
const NIC_SUBTYPE: Record<D.NicModel, string> = {
  e1000: 'E1000',
  vmxnet3: 'VmxNet3',
  virtio: 'virtio',
  rtl8139: 'rtl8139',
};
const CTRL: Record<string, D.DiskBus> = { '5': 'ide', '6': 'scsi', '20': 'sata' };
const CTRL_TYPE: Record<D.DiskBus, string> = { ide: '5', scsi: '6', sata: '20', virtio: '6' };

function formatOf(url: string, where: string): D.DiskFormatName {
  const u = url.toLowerCase();
  if (u.includes('vmdk')) return 'vmdk';
  if (u.includes('qcow')) return 'qcow2';
  if (u.includes('vhd') || u.includes('137171')) return 'vhd';
  if (u.endsWith('raw') || u === '') return 'raw';
  throw bad(where, `disk format ${JSON.stringify(url.slice(0, 80))} is not supported`);
}

function units(spec: string | undefined, where: string): number {
  const s = (spec ?? 'byte').replace(/\s+/g, '').toLowerCase();
  if (s === 'byte' || s === 'bytes') return 1;
  const m = /^byte\*2\^(\d{1,2})$/.exec(s);
  if (m) return 2 ** Number(m[1]);
  const named: Record<string, number> = {
    kb: 1024,
    mb: 1024 ** 2,
    gb: 1024 ** 3,
    kilobytes: 1024,
    megabytes: 1024 ** 2,
    gigabytes: 1024 ** 3,
  };
  if (named[s]) return named[s]!;
  throw bad(where, `allocation units ${JSON.stringify((spec ?? '').slice(0, 40))} are not understood`);
}

/** A rasd/epasd/sasd child's text by local name (marked used). */
const r = (item: XNode, name: string) => textOf(item, name);

export const ovfCodec: D.DefinitionCodec = {
  format: 'ovf',
  parse(text) {
    const root = parseXml(text);
    if (local(root.tag) !== 'Envelope') throw bad(root.path, 'the root element must be <Envelope>');
    root.used = true;
    const l = new LossyList();
    const def = blank();
    const files = new Map<string, XNode>();
    for (const f of kids(kid(root, 'References'), 'File')) files.set(attr(f, 'id') ?? '', f);
    const diskDefs = new Map<string, XNode>();
    const dsec = kid(root, 'DiskSection');
    kids(dsec, 'Info').forEach(useAll);
    for (const d of kids(dsec, 'Disk')) diskDefs.set(attr(d, 'diskId') ?? '', d);
    const systems = root.kids.filter((k) => local(k.tag) === 'VirtualSystem');
    if (systems.length !== 1) throw bad(root.path, 'exactly one VirtualSystem is supported');
    const vs = systems[0]!;
    vs.used = true;
    kids(vs, 'Info').forEach(useAll);
    def.name = textOf(vs, 'Name') ?? attr(vs, 'id') ?? '';
    attr(vs, 'id');
    if (!def.name) throw bad(`${vs.path}/Name`, 'is required');
    const hw = kid(vs, 'VirtualHardwareSection');
    if (!hw) throw bad(`${vs.path}/VirtualHardwareSection`, 'is required');
    kids(hw, 'Info').forEach(useAll);
    const items = hw.kids.filter((k) => ['Item', 'EthernetPortItem', 'StorageItem'].includes(local(k.tag)));
    const ctrls = new Map<string, XNode>();
    for (const it of items)
      if (CTRL[it.kids.find((k) => local(k.tag) === 'ResourceType')?.text ?? ''])
        ctrls.set(it.kids.find((k) => local(k.tag) === 'InstanceID')?.text ?? '', it);
    const nets = new Set<string>();
    for (const it of items) {
      const type = it.kids.find((k) => local(k.tag) === 'ResourceType')?.text ?? '';
      const take = () => {
        it.used = true;
        for (const k of ['ResourceType', 'InstanceID', 'ElementName', 'Description']) r(it, k);
      };
      const where = (k: string) => `${it.path}/${k}`;
      if (type === '3') {
        take();
        def.vcpus = int(r(it, 'VirtualQuantity') ?? '', where('VirtualQuantity'), 1, 512);
      } else if (type === '4') {
        take();
        const mult = units(r(it, 'AllocationUnits') ?? 'byte * 2^20', where('AllocationUnits'));
        const q = int(r(it, 'VirtualQuantity') ?? '', where('VirtualQuantity'), 1, 2 ** 53 / mult);
        def.memoryMib = Math.floor((q * mult) / 1024 ** 2);
      } else if (type === '17' || type === '15' || type === '16') {
        take();
        const cd = type !== '17';
        const host = r(it, 'HostResource') ?? '';
        const parent = r(it, 'Parent');
        r(it, 'AddressOnParent');
        r(it, 'AutomaticAllocation');
        const ctrl = parent !== undefined ? ctrls.get(parent) : undefined;
        let bus: D.DiskBus = cd ? 'ide' : 'scsi';
        if (ctrl) {
          useAll(ctrl);
          bus = CTRL[ctrl.kids.find((k) => local(k.tag) === 'ResourceType')!.text]!;
          if (ctrl.kids.some((k) => local(k.tag) === 'ResourceSubType' && /virtio/i.test(k.text))) bus = 'virtio';
        } else if (parent !== undefined) throw bad(where('Parent'), `${parent.slice(0, 20)} names no controller`);
        const d: D.CanonicalDisk = { file: '', format: 'raw', bus, device: cd ? 'cdrom' : 'disk', readonly: cd };
        const m = /^ovf:\/(disk|file)\/(.+)$/.exec(host);
        if (m?.[1] === 'disk') {
          const dd = diskDefs.get(m[2]!);
          if (!dd) throw bad(where('HostResource'), `${host.slice(0, 60)} names no Disk in DiskSection`);
          d.format = formatOf(attr(dd, 'format') ?? '', `${dd.path}/@format`);
          const cap = attr(dd, 'capacity');
          if (cap !== undefined) {
            const mult = units(attr(dd, 'capacityAllocationUnits'), `${dd.path}/@capacityAllocationUnits`);
            d.sizeBytes = int(cap, `${dd.path}/@capacity`, 0, Number.MAX_SAFE_INTEGER / mult) * mult;
          }
          const ref = attr(dd, 'fileRef');
          const f = ref !== undefined ? files.get(ref) : undefined;
          if (ref !== undefined && !f) throw bad(`${dd.path}/@fileRef`, `${ref.slice(0, 40)} names no File`);
          d.file = (f && attr(f, 'href')) ?? '';
        } else if (m?.[1] === 'file') {
          const f = files.get(m[2]!);
          if (!f) throw bad(where('HostResource'), `${host.slice(0, 60)} names no File`);
          d.file = attr(f, 'href') ?? '';
        } else if (host || !cd)
          throw bad(where('HostResource'), `${JSON.stringify(host.slice(0, 60))} is not ovf:/disk/ID or ovf:/file/ID`);
        def.disks.push(d);
      } else if (type === '10') {
        take();
        const sub = r(it, 'ResourceSubType') ?? 'E1000';
        let model = NIC_SUBTYPES[sub.toLowerCase()];
        if (!model || sub.toLowerCase() === 'e1000e')
          l.add(`${it.path}/ResourceSubType`, sub, 'no canonical NIC model; e1000 assumed');
        model ??= 'e1000';
        const n: D.CanonicalNic = { model, network: r(it, 'Connection') ?? '' };
        nets.add(n.network);
        r(it, 'AutomaticAllocation');
        const a = r(it, 'Address');
        if (a) n.mac = mac(a, where('Address'));
        def.nics.push(n);
      } else if (type === '21') {
        take();
        def.serial = true;
      }
    }
    for (const c of hw.kids.filter((k) => local(k.tag) === 'Config')) {
      if (attr(c, 'key') !== 'firmware') continue;
      useAll(c);
      const v = attr(c, 'value') ?? '';
      if (v === 'efi') def.firmware = 'uefi';
      else if (v !== 'bios') throw bad(`${c.path}/@value`, `firmware ${v.slice(0, 20)} is not supported`);
    }
    const nsec = root.kids.find((k) => local(k.tag) === 'NetworkSection');
    if (nsec) {
      nsec.used = true;
      kids(nsec, 'Info').forEach(useAll);
      for (const n of nsec.kids.filter((k) => local(k.tag) === 'Network'))
        if (nets.has(attr(n, 'name') ?? '')) useAll(n);
    }
    for (const p of vs.kids.filter((k) => local(k.tag) === 'ProductSection')) {
      const cls = attr(p, 'class');
      if (cls !== CLASS_CONFIG && cls !== CLASS_NEPHELE) continue;
      p.used = true;
      kids(p, 'Info').forEach(useAll);
      for (const prop of kids(p, 'Property')) {
        const key = attr(prop, 'key') ?? '';
        const value = attr(prop, 'value') ?? '';
        attr(prop, 'type');
        if (cls === CLASS_CONFIG) (def.config ??= {})[key] = value;
        else if (key === 'appliance_port') def.appliancePort = int(value, `${prop.path}/@value`, 1, 65535);
        else prop.used = false;
      }
    }
    for (const f of files.values())
      if (!f.usedAttrs.has(Object.keys(f.attrs).find((a) => local(a) === 'href') ?? '')) f.used = false;
    leftovers(root, l);
    return finish(def, l);
  },
  render(def) {
    const l = new LossyList();
    if (def.arch !== 'x86_64') cannot(l, T, '$.arch', def.arch, 'an architecture (x86_64 assumed)');
    if (def.machine) cannot(l, T, '$.machine', def.machine, 'a machine type');
    if (def.kernel) cannot(l, T, '$.kernel', def.kernel, 'direct kernel boot');
    const files: El[] = [];
    const disks: El[] = [];
    const items: El[] = [];
    let id = 0;
    const item = (type: number, name: string, rest: [string, string | number | undefined][]): El => {
      const fields: [string, string | number | undefined][] = [
        ...rest,
        ['ElementName', name],
        ['InstanceID', ++id],
        ['ResourceType', type],
      ];
      fields.sort((a, b) => (a[0] < b[0] ? -1 : 1));
      return el(
        'Item',
        {},
        fields.filter(([, v]) => v !== undefined).map(([k, v]) => el(`rasd:${k}`, {}, v)),
      );
    };
    items.push(item(3, `${def.vcpus} virtual CPU(s)`, [['VirtualQuantity', def.vcpus]]));
    items.push(
      item(4, `${def.memoryMib}MB of memory`, [
        ['AllocationUnits', 'byte * 2^20'],
        ['VirtualQuantity', def.memoryMib],
      ]),
    );
    const ctrlIds = new Map<string, number>();
    def.disks.forEach((d, i) => {
      if (d.readonly !== (d.device === 'cdrom'))
        cannot(l, T, `$.disks[${i}].readonly`, d.readonly, 'read-only disks (only CD-ROMs are)');
      const ctrlKey = d.bus;
      if (!ctrlIds.has(ctrlKey)) {
        const sub =
          d.bus === 'virtio' ? 'virtio-scsi' : d.bus === 'scsi' ? 'lsilogic' : d.bus === 'sata' ? 'AHCI' : 'PIIX4';
        items.push(item(Number(CTRL_TYPE[d.bus]), `${d.bus} controller`, [['ResourceSubType', sub]]));
        ctrlIds.set(ctrlKey, id);
      }
      const parent = ctrlIds.get(ctrlKey)!;
      const addr = def.disks.slice(0, i).filter((x) => x.bus === d.bus).length;
      const fid = `file${i + 1}`;
      if (d.file) files.push(el('File', { 'ovf:id': fid, 'ovf:href': d.file }));
      let host: string | undefined;
      if (d.device === 'disk') {
        host = `ovf:/disk/vmdisk${i + 1}`;
        disks.push(
          el('Disk', {
            'ovf:capacity': d.sizeBytes,
            'ovf:capacityAllocationUnits': d.sizeBytes !== undefined ? 'byte' : undefined,
            'ovf:diskId': `vmdisk${i + 1}`,
            'ovf:fileRef': d.file ? fid : undefined,
            'ovf:format': FORMAT_URL[d.format],
          }),
        );
      } else {
        if (d.file) host = `ovf:/file/${fid}`;
        if (d.format !== 'raw') cannot(l, T, `$.disks[${i}].format`, d.format, 'a CD-ROM image format');
        if (d.sizeBytes !== undefined) cannot(l, T, `$.disks[${i}].sizeBytes`, d.sizeBytes, 'a CD-ROM size');
      }
      items.push(
        item(d.device === 'cdrom' ? 15 : 17, `disk ${i + 1}`, [
          ['AddressOnParent', addr],
          ['HostResource', host],
          ['Parent', parent],
        ]),
      );
    });
    const networks = [...new Set(def.nics.map((n) => n.network))];
    def.nics.forEach((n, i) => {
      items.push(
        item(10, `ethernet ${i + 1}`, [
          ['Address', n.mac],
          ['AutomaticAllocation', 'true'],
          ['Connection', n.network || undefined],
          ['ResourceSubType', NIC_SUBTYPE[n.model]],
        ]),
      );
    });
    if (def.serial) items.push(item(21, 'serial port 1', []));
    const product = (cls: string, props: [string, string | number][]) =>
      el('ProductSection', { 'ovf:class': cls }, [
        el('Info', {}, 'Nephele appliance settings'),
        ...props.map(([k, v]) => el('Property', { 'ovf:key': k, 'ovf:type': 'string', 'ovf:value': v })),
      ]);
    const env = el('Envelope', NS, [
      el('References', {}, files),
      el('DiskSection', {}, [el('Info', {}, 'Virtual disks'), ...disks]),
      networks.some(Boolean) &&
        el('NetworkSection', {}, [
          el('Info', {}, 'Networks'),
          ...networks.filter(Boolean).map((n) => el('Network', { 'ovf:name': n })),
        ]),
      el('VirtualSystem', { 'ovf:id': def.name }, [
        el('Info', {}, 'A virtual machine'),
        el('Name', {}, def.name),
        def.appliancePort !== undefined && product(CLASS_NEPHELE, [['appliance_port', def.appliancePort]]),
        def.config && product(CLASS_CONFIG, Object.entries(def.config)),
        el('VirtualHardwareSection', {}, [
          el('Info', {}, 'Virtual hardware requirements'),
          ...items,
          def.firmware === 'uefi' &&
            el('vmw:Config', { 'ovf:required': 'false', 'vmw:key': 'firmware', 'vmw:value': 'efi' }),
        ]),
      ]),
    ]);
    return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${write(env)}`, lossy: l.done() };
  },
};
