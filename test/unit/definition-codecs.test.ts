// Definition codecs (issue 16 item 2): round trips for every format pair over a
// corpus of real-world shaped definitions, the lossy lists, errors pointing at the
// line / argv position / element, and hostile inputs refused quickly.
import t from 'tap';
import type tap from 'tap';
import {
  DEFINITION_FORMATS,
  DefinitionError,
  type CanonicalDefinition,
  type Lossy,
} from '../../common/spec/definition.js';
import { codecFor } from '../../controller/schemes/formats/index.js';
import { convertDefinition } from '../../controller/schemes/catalog/convert.js';
import { CORPUS } from '../helpers/definition-corpus.js';

const codec = (f: (typeof DEFINITION_FORMATS)[number]) => codecFor(f)!;

/** The definition without the canonical fields a target said it cannot express. */
function without(def: CanonicalDefinition, lossy: Lossy[]): unknown {
  const copy = JSON.parse(JSON.stringify(def)) as Record<string, unknown>;
  for (const l of lossy) {
    const m = /^\$\.(\w+)(?:\[(\d+)\])?(?:\.(\w+))?/.exec(l.path);
    if (!m) continue;
    const [, top, idx, leaf] = m;
    if (idx === undefined) delete copy[top!];
    else {
      const item = (copy[top!] as Record<string, unknown>[])[Number(idx)]!;
      if (leaf) delete item[leaf];
      else (copy[top!] as unknown[])[Number(idx)] = null;
    }
  }
  return copy;
}

t.test('every corpus document parses and lists the devices we do not model', async (t) => {
  for (const doc of CORPUS) {
    const p = codec(doc.format).parse(doc.text);
    const seen = p.lossy.map((l) => `${l.path} = ${l.value}`);
    for (const want of doc.lossy)
      t.ok(
        seen.some((s) => s.includes(want)),
        `${doc.name}: ${want} listed as lossy`,
      );
    t.ok(p.def.name && p.def.vcpus >= 1 && p.def.memoryMib >= 16, `${doc.name}: the basics read`);
  }
});

t.test('round trips for every format pair: canonical fields preserved, what cannot be said listed', async (t) => {
  let pairs = 0;
  for (const doc of CORPUS) {
    const src = codec(doc.format).parse(doc.text).def;
    for (const to of DEFINITION_FORMATS) {
      const r = codec(to).render(src);
      const back = codec(to).parse(r.text);
      t.same(
        without(back.def, r.lossy),
        without(src, r.lossy),
        `${doc.format} -> ${to} -> canonical: ${doc.name} unchanged but for ${r.lossy.map((l) => l.path).join(', ') || 'nothing'}`,
      );
      // Idempotent: what the target wrote, written again, says the same.
      t.equal(codec(to).render(back.def).text, r.text, `${doc.format} -> ${to}: its own output renders identically`);
      // Each canonical field the target cannot say is named, with a reason.
      for (const l of r.lossy) t.match(l, { path: /^\$\./, reason: /cannot express|absolute path/ });
      pairs++;
    }
  }
  t.equal(pairs, CORPUS.length * DEFINITION_FORMATS.length);
});

t.test('a definition every format can say loses nothing anywhere', async (t) => {
  const def: CanonicalDefinition = {
    version: 1,
    name: 'plain',
    vcpus: 2,
    memoryMib: 1024,
    arch: 'x86_64',
    firmware: 'bios',
    disks: [{ file: '/srv/plain.qcow2', format: 'qcow2', bus: 'scsi', device: 'disk', readonly: false }],
    nics: [{ model: 'e1000', network: 'lan', mac: '52:54:00:01:02:03' }],
    serial: true,
  };
  for (const from of DEFINITION_FORMATS) {
    const text = codec(from).render(def);
    t.same(text.lossy, [], `${from} can say it all`);
    for (const to of DEFINITION_FORMATS) {
      const r = convertDefinition(from, to, text.text);
      t.same(r.def, def, `${from} -> ${to}: the same definition`);
      t.same(codec(to).parse(r.text).def, def, `${from} -> ${to} -> canonical: the same definition`);
    }
  }
});

const refused = (
  t: Pick<typeof tap, 'ok' | 'equal' | 'match' | 'fail'>,
  fn: () => unknown,
  where: RegExp,
  msg: string,
) => {
  const started = Date.now();
  try {
    fn();
    t.fail(`${msg}: accepted`);
  } catch (e) {
    t.ok(e instanceof DefinitionError, `${msg}: a DefinitionError (${(e as Error).message.slice(0, 120)})`);
    t.equal((e as DefinitionError).code, 'INVALID_ARGUMENT', `${msg}: INVALID_ARGUMENT`);
    t.match((e as DefinitionError).where, where, `${msg}: points at the problem`);
  }
  t.ok(Date.now() - started < 1000, `${msg}: refused quickly (${Date.now() - started} ms)`);
};

t.test('bad definitions point at the line, argv position or element', async (t) => {
  refused(
    t,
    () => codec('libvirt').parse('<domain>\n  <name>x</name>\n  <vcpu>2</vcpu\n</domain>'),
    /^line [34]$/,
    'malformed XML',
  );
  refused(
    t,
    () => codec('libvirt').parse('<domain><name>x</name><memory>1024</memory><vcpu>many</vcpu></domain>'),
    /^\/domain\/vcpu$/,
    'libvirt vcpu',
  );
  refused(
    t,
    () => codec('libvirt').parse('<domain><name>x</name><memory unit="parsecs">1</memory></domain>'),
    /memory\/@unit/,
    'libvirt unit',
  );
  refused(
    t,
    () =>
      codec('libvirt').parse(
        '<domain><name>x</name><memory>1048576</memory><devices><disk><source file="/a"/><driver type="qed"/></disk></devices></domain>',
      ),
    /^\/domain\/devices\/disk\/driver\/@type$/,
    'libvirt disk format',
  );
  refused(t, () => codec('libvirt').parse('<vm/>'), /^\/vm$/, 'not a domain');
  refused(t, () => codec('vmx').parse('displayName = "a"\nnumvcpus = "lots"\n'), /^line 2$/, 'vmx numvcpus');
  refused(t, () => codec('vmx').parse('displayName = "a"\nthis is not a vmx line\n'), /^line 2$/, 'vmx syntax');
  refused(
    t,
    () => codec('vmx').parse('displayName = "a"\nmemsize = "64"\nMEMSIZE = "128"\n'),
    /^line 3$/,
    'vmx duplicate key',
  );
  refused(
    t,
    () =>
      codec('vmx').parse(
        'displayName = "a"\nethernet0.present = "TRUE"\nethernet0.addressType = "static"\nethernet0.address = "nope"\n',
      ),
    /^line 4$/,
    'vmx MAC',
  );
  refused(t, () => codec('xl').parse("name = 'x'\nmemory = 'lots'\n"), /^line 2$/, 'xl memory');
  refused(
    t,
    () => codec('xl').parse("name = 'x'\ndisk = [ 'vdev=xvda, target=/a',\n  'format=qed, vdev=xvdb, target=/b' ]\n"),
    /^line 2, entry 2$/,
    'xl disk format',
  );
  refused(t, () => codec('xl').parse("name = 'x'\nvif = [ 'mac=zz'\n"), /^line \d$/, 'xl unterminated list');
  refused(
    t,
    () => codec('qemu').parse('qemu-system-x86_64 -name a \\\n  -smp abc'),
    /^argv\[4\] \(line 2\)$/,
    'qemu -smp',
  );
  refused(
    t,
    () => codec('qemu').parse('qemu-system-x86_64 -name a -m'),
    /^argv\[3\]/,
    'qemu option without its argument',
  );
  refused(t, () => codec('qemu').parse('qemu-system-x86_64 -name a; rm -rf /'), /^line 1$/, 'shell syntax');
  refused(t, () => codec('qemu').parse('qemu-system-x86_64 -name "a $(id)"'), /^line 1$/, 'shell substitution');
  refused(t, () => codec('qemu').parse('bash -c id'), /^argv\[0\]/, 'not QEMU');
  refused(
    t,
    () => codec('qemu').parse('qemu-system-x86_64 -name a -device virtio-blk-pci,drive=nope'),
    /^argv\[4\]/,
    'a device naming no drive',
  );
  refused(
    t,
    () =>
      codec('ovf').parse(
        '<Envelope><VirtualSystem ovf:id="a"><VirtualHardwareSection><Item><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>x</rasd:VirtualQuantity></Item></VirtualHardwareSection></VirtualSystem></Envelope>',
      ),
    /VirtualHardwareSection\/Item\/VirtualQuantity$/,
    'OVF CPU count',
  );
  refused(
    t,
    () =>
      codec('ovf').parse(
        '<Envelope><VirtualSystem ovf:id="a"><VirtualHardwareSection><Item><rasd:ResourceType>17</rasd:ResourceType><rasd:HostResource>ovf:/disk/missing</rasd:HostResource></Item></VirtualHardwareSection></VirtualSystem></Envelope>',
      ),
    /HostResource$/,
    'OVF disk naming no Disk',
  );
  refused(t, () => codec('canonical').parse('{\n "name": "x",\n "vcpus": 0\n}'), /^\$\.vcpus$/, 'canonical vcpus');
});

t.test('hostile inputs are refused quickly', async (t) => {
  const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<domain><name>&lol3;</name></domain>`;
  refused(t, () => codec('libvirt').parse(bomb), /^line 2$/, 'entity expansion (libvirt)');
  refused(t, () => codec('ovf').parse(bomb.replace(/domain/g, 'Envelope')), /^line 2$/, 'entity expansion (OVF)');
  refused(
    t,
    () => codec('libvirt').parse(`<domain><name>${'x'.repeat(1024 * 1024)}</name></domain>`),
    /^$/,
    'over 1 MiB',
  );
  refused(t, () => codec('vmx').parse(`displayName = "${'é'.repeat(600 * 1024)}"`), /^$/, 'over 1 MiB of UTF-8');
  refused(t, () => codec('libvirt').parse(`<domain>${'<x/>'.repeat(100_000)}</domain>`), /^line 1$/, '100k elements');
  refused(
    t,
    () => codec('ovf').parse(`<Envelope>${'<a>'.repeat(500)}${'</a>'.repeat(500)}</Envelope>`),
    /^\/$/,
    'deep nesting',
  );
  refused(
    t,
    () => codec('libvirt').parse(`<domain><name a="${'y'.repeat(10_000)}">x</name></domain>`),
    /^\/domain\/name\/@a$/,
    'a huge attribute',
  );
  const attrs = Array.from({ length: 50_000 }, (_, i) => `a${i}="1"`).join(' ');
  refused(t, () => codec('ovf').parse(`<Envelope>\n<File ${attrs}/></Envelope>`), /^line 2$/, 'huge attribute counts');
  refused(t, () => codec('xl').parse(`name = 'x'\ndisk = [ ${"'a',".repeat(300)} ]`), /^line 2$/, 'a huge list');
  refused(t, () => codec('qemu').parse(`qemu-system-x86_64 ${'-S '.repeat(20_000)}`), /^line 1$/, 'too many words');
  refused(t, () => codec('vmx').parse('x = "1"\n'.repeat(30_000)), /^line/, 'too many lines');
});

t.test('disk paths are text to a conversion, never opened; libvirt gets no relative path', async (t) => {
  const r = convertDefinition(
    'vmx',
    'libvirt',
    'displayName = "p"\nscsi0:0.present = "TRUE"\nscsi0:0.fileName = "../../etc/passwd"\n',
  );
  t.match(
    r.text,
    /<source file="\/var\/lib\/libvirt\/images\/passwd"\/>/,
    'only the base name, under the pool directory',
  );
  t.match(r.lossy, [{ path: '$.disks[0].file', value: '../../etc/passwd' }], 'and the change is listed');
});
