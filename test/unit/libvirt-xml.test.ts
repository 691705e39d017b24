import t from 'tap';
import { XMLParser } from 'fast-xml-parser';
import { domainName, domainUuid, domainXml, type DomainXmlOptions } from '../../agent/drivers/libvirt/xml.js';
import { parseDomstats } from '../../agent/drivers/libvirt/virsh.js';
import { join } from 'node:path';
import { LibvirtDriver } from '../../agent/drivers/libvirt/driver.js';
import { haveLibvirt, validateDomainXml } from '../helpers/libvirt.js';
import { tmpDir } from '../helpers/tmp.js';

// The domain XML the libvirt driver defines: what libvirt must get (microvm
// with ACPI and virtio-mmio, direct kernel boot, the overlay, serial file, the
// guest agent's port, the appliance's forward), escaping, and virt-xml-validate's
// verdict on every variant (libvirt's own schema, the peer tool).

const base = (over: Partial<DomainXmlOptions> = {}): DomainXmlOptions => ({
  name: domainName('01TESTVM'),
  uuid: domainUuid('01TESTVM'),
  accel: 'tcg',
  memoryMiB: 128,
  vcpus: 2,
  kernel: '/img/vmlinux',
  initrd: '/img/initramfs.cpio.gz',
  bootArgs: 'console=ttyS0 quiet',
  tscKhz: 2_600_000,
  disk: '/var/lib/nephele/libvirt/01TESTVM/overlay.qcow2',
  serial: '/var/lib/nephele/libvirt/01TESTVM/serial.log',
  guestChannel: '/var/lib/nephele/libvirt/01TESTVM/ga.sock',
  guestAgentPort: 'org.nephele.agent',
  hostPort: 40123,
  appliancePort: 8080,
  uid: 0,
  gid: 0,
  ...over,
});

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const parse = (xml: string): Node => (parser.parse(xml) as Node).domain as Node;

function validates(tt: Pick<typeof t, 'comment' | 'equal'>, xml: string, what: string): void {
  if (!haveLibvirt && process.env.CI !== 'true') {
    tt.comment(`virt-xml-validate not installed: ${what} not checked against libvirt's schema`);
    return;
  }
  tt.equal(validateDomainXml(xml), '', `virt-xml-validate accepts ${what}`);
}

t.test('TCG domain: what libvirt gets from the spec', async (t) => {
  const xml = domainXml(base());
  const d = parse(xml);
  t.equal(d['@type'], 'qemu', 'type qemu under TCG');
  t.equal(d.name, 'nephele-01TESTVM');
  t.match(d.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  t.equal(domainUuid('01TESTVM'), domainUuid('01TESTVM'), 'uuid stable per VM id');
  t.not(domainUuid('01TESTVM'), domainUuid('01TESTVN'));
  t.equal(d.memory['#text'], 128);
  t.equal(d.memory['@unit'], 'MiB');
  t.equal(d.vcpu, 2);
  t.equal(d.os.type['@machine'], 'microvm');
  t.equal(d.os.kernel, '/img/vmlinux');
  t.equal(d.os.initrd, '/img/initramfs.cpio.gz');
  t.equal(
    d.os.cmdline,
    'console=ttyS0 quiet tsc_early_khz=2600000 mitigations=off',
    'TCG boot args as the qemu driver',
  );
  t.ok('acpi' in d.features, 'ACPI on: the microvm guest finds its virtio-mmio devices through it');
  t.equal(d.features.tcg['tb-cache']['#text'], 64);
  t.equal(d.cpu['@mode'], 'maximum');
  t.equal(d.devices.disk.source['@file'], base().disk);
  t.equal(d.devices.disk.driver['@type'], 'qcow2');
  t.equal(d.devices.disk.address['@type'], 'virtio-mmio');
  t.equal(d.devices.serial.source['@path'], base().serial);
  t.equal(d.devices.channel.source['@path'], base().guestChannel);
  t.equal(d.devices.channel.source['@mode'], 'bind');
  t.equal(d.devices.channel.target['@name'], 'org.nephele.agent');
  t.same(
    d['qemu:commandline']['qemu:arg'].map((a: Node) => a['@value']),
    ['-netdev', 'user,id=n0,hostfwd=tcp:127.0.0.1:40123-:8080', '-device', 'virtio-net-device,netdev=n0'],
    'the appliance port forwarded from 127.0.0.1',
  );
  t.equal(d.seclabel.label, '+0:+0', 'QEMU runs as the agent user, nothing relabelled');
  validates(t, xml, 'the TCG domain');
});

t.test('KVM domain, hidden VM (no forward)', async (t) => {
  const xml = domainXml(base({ accel: 'kvm', hostPort: 0, tscKhz: undefined }));
  const d = parse(xml);
  t.equal(d['@type'], 'kvm');
  t.equal(d.cpu['@mode'], 'host-passthrough');
  t.equal(d.os.cmdline, 'console=ttyS0 quiet', 'no TCG-only kernel args');
  t.notOk(d.features.tcg);
  t.equal(d['qemu:commandline']['qemu:arg'][1]['@value'], 'user,id=n0', 'no hostfwd');
  validates(t, xml, 'the KVM domain');
});

t.test('hostile paths stay values: escaped, control characters refused', async (t) => {
  const odd = `/tmp/a'b"c<d>&e/overlay.qcow2`;
  const xml = domainXml(base({ disk: odd, bootArgs: 'x="<y>" & z' }));
  const d = parse(xml);
  t.equal(d.devices.disk.source['@file'], odd, 'quotes, angle brackets and ampersands round-trip');
  t.match(d.os.cmdline, /^x="<y>" & z /);
  t.notMatch(xml, /<d>/);
  validates(t, xml, 'a domain with escaped values');
  t.throws(() => domainXml(base({ serial: '/tmp/a\nb' })), { code: 'INVALID_SPEC', message: /serial path/ });
  t.throws(() => domainXml(base({ memoryMiB: 0 })), { code: 'INVALID_SPEC' });
});

t.test('domstats lines', async (t) => {
  const m = parseDomstats("Domain: 'nephele-x'\n  state.state=1\n  cpu.time=2989628000\n  balloon.rss=246576\n\n");
  t.equal(m.get('cpu.time'), '2989628000');
  t.equal(m.get('balloon.rss'), '246576');
  t.equal(m.size, 3);
  const many = Array.from({ length: 5000 }, (_, i) => `k${i}=1`).join('\n');
  t.equal(parseDomstats(many).size, 4096, 'bounded');
});

t.test('fingerprint: unhealthy when libvirtd does not answer, naming the URI', async (t) => {
  const dir = tmpDir('nlvf-');
  const uri = `qemu+unix:///system?socket=${join(dir, 'no-such-sock')}`;
  const d = new LibvirtDriver({ stateDir: dir, imageRoot: dir, uri });
  const fp = await d.fingerprint();
  t.equal(fp.scheme, 'libvirt');
  t.equal(fp.healthy, false);
  t.match(fp.detail, `libvirtd at ${uri} does not answer`);
  t.equal(fp.attributes.uri, uri);
  await d.close();
});
