import t from 'tap';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import type { NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import { MAX_NICS, parseOsRelease, readNics, readOs } from '../../agent/inventory/host-net-os.js';
import { tmpDir } from '../helpers/tmp.js';

const addr = (address: string, family: 'IPv4' | 'IPv6', extra: Partial<NetworkInterfaceInfo> = {}) =>
  ({
    address,
    family,
    mac: '52:54:00:12:34:56',
    internal: false,
    netmask: '',
    cidr: null,
    ...extra,
  }) as NetworkInterfaceInfo;

/** A sysfs-shaped tree: devices/<bus or virtual>/net/<iface> with class/net/<iface> links to it. */
function sysfs(devs: Record<string, { virtual: boolean; operstate?: string; speed?: string }>): string {
  const root = tmpDir('nephele-sysfs-');
  mkdirSync(join(root, 'class/net'), { recursive: true });
  for (const [name, d] of Object.entries(devs)) {
    const dev = join(root, d.virtual ? 'devices/virtual/net' : 'devices/pci0000:00/0000:00:03.0/net', name);
    mkdirSync(dev, { recursive: true });
    if (d.operstate) writeFileSync(join(dev, 'operstate'), `${d.operstate}\n`);
    if (d.speed) writeFileSync(join(dev, 'speed'), `${d.speed}\n`);
    symlinkSync(dev, join(root, 'class/net', name));
  }
  return join(root, 'class/net');
}

t.test('NICs from node:os and sysfs: addresses, state, speed, virtual', async (t) => {
  const sysNet = sysfs({
    eth0: { virtual: false, operstate: 'up', speed: '10000' },
    br0: { virtual: true, operstate: 'up', speed: '-1' },
    tap3: { virtual: true, operstate: 'down' },
  });
  const nics = await readNics(
    {
      lo: [addr('127.0.0.1', 'IPv4', { internal: true, mac: '00:00:00:00:00:00' })],
      eth0: [
        addr('169.254.1.1', 'IPv4'),
        addr('10.0.0.5', 'IPv4'),
        addr('fe80::1', 'IPv6'),
        addr('2001:db8::5', 'IPv6'),
      ],
      br0: [addr('fe80::2', 'IPv6')],
      tap3: [addr('192.168.7.1', 'IPv4')],
      gone0: [addr('10.9.9.9', 'IPv4')],
    },
    { sysNet },
  );
  const by = Object.fromEntries(nics.map((n) => [n.iface, n]));
  t.match(
    by['eth0'],
    { ip4: '10.0.0.5', ip6: '2001:db8::5', virtual: false, operstate: 'up', speed: 10000, mac: '52:54:00:12:34:56' },
    'routable addresses preferred',
  );
  t.match(
    by['br0'],
    { ip4: '', ip6: 'fe80::2', virtual: true, speed: null },
    'link-local when that is all; -1 speed is unknown',
  );
  t.match(by['tap3'], { virtual: true, operstate: 'down', speed: null }, 'a tap is virtual');
  t.match(by['lo'], { internal: true, virtual: false, mac: '' }, 'loopback is internal, not virtual');
  t.match(by['gone0'], { operstate: 'unknown', speed: null, virtual: false }, 'no sysfs entry: unknown, never a throw');
});

t.test('hostile interface names and counts are bounded', async (t) => {
  const many = Object.fromEntries(
    Array.from({ length: MAX_NICS + 50 }, (_, i) => [`tap${i}`, [addr('10.1.0.1', 'IPv4')]]),
  );
  many['../../etc'] = [addr('10.2.0.1', 'IPv4')];
  const nics = await readNics(many, { sysNet: sysfs({}) });
  t.equal(nics.length, MAX_NICS, `at most ${MAX_NICS} interfaces`);
  t.notOk(
    nics.some((n) => n.iface.includes('/')),
    'a name with a slash is never a path',
  );
});

t.test('os-release: distro and release as the inventory showed them; junk lines ignored', async (t) => {
  const dir = tmpDir('nephele-osrel-');
  writeFileSync(
    join(dir, 'os-release'),
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n# comment\nnot a line\nx=lower\n',
  );
  writeFileSync(join(dir, 'other'), 'NAME=Alpine Linux\nVERSION_ID=3.20.1\nPRETTY_NAME="Alpine Linux v3.20"\n');
  writeFileSync(join(dir, 'bare'), 'NAME=Plain\nVERSION_ID=7\n');
  t.match(await readOs({ osRelease: [join(dir, 'missing'), join(dir, 'os-release')] }), {
    platform: process.platform,
    distro: 'Debian GNU/Linux',
    release: '12',
  });
  t.match(await readOs({ osRelease: [join(dir, 'other')] }), { distro: 'Alpine Linux', release: 'v3.20' });
  t.match(
    await readOs({ osRelease: [join(dir, 'bare')] }),
    { distro: 'Plain', release: '7' },
    'no PRETTY_NAME: VERSION_ID',
  );
  t.match(await readOs({ osRelease: [join(dir, 'missing')] }), { distro: 'unknown', release: 'unknown' });
  t.same(parseOsRelease(`A=1\nB='two'\n${'C'.repeat(100)}=3\n`), { A: '1', B: 'two' });
  const os = await readOs();
  t.ok(os.kernel.length > 0 && os.hostname.length > 0 && os.arch.length > 0, 'this host');
});
