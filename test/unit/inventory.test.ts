// Inventory mapping, hashing and capacity arithmetic against recorded/hand-made
// systeminformation fixtures.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { mapInventory, isPseudoFs, type MapOptions, type RawSi } from '../../agent/inventory/map.js';
import { computeHash } from '../../agent/inventory/hash.js';
import { freeCapacity, parseSize, toNumber } from '../../agent/inventory/capacity.js';
import type { Inventory } from '../../common/gen/nephele/v1/Inventory.js';

const GiB = 2 ** 30;

function fixture(name: string): RawSi {
  const url = new URL(`../../../test/fixtures/si/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RawSi;
}

const QEMU = { name: 'qemu', binary: '/usr/bin/qemu-system-x86_64', version: '8.2.2', kvmDevice: true, detail: 'x' };

function opts(over: Partial<MapOptions> = {}): MapOptions {
  return {
    schemes: ['qemu'],
    hypervisors: [QEMU],
    reserve: { vcpus: 0, memoryBytes: 0, diskBytes: 0 },
    now: 1_700_000_000_000,
    ...over,
  };
}

function map(raw: RawSi, over: Partial<MapOptions> = {}): Inventory {
  return mapInventory(raw, opts(over));
}

t.test('cpu of the AMD desktop', async (t) => {
  const cpu = map(fixture('amd-desktop')).cpu;
  t.equal(cpu?.vendor, 'AuthenticAMD');
  t.equal(cpu?.model, 'AMD Ryzen 7 5800X 8-Core Processor');
  t.equal(cpu?.cores, 8, 'cores = physical cores');
  t.equal(cpu?.threads, 16, 'threads = logical processors');
  t.equal(cpu?.sockets, 1);
  t.equal(cpu?.speedGhz, 3.8);
  t.equal(cpu?.virtualization, 'svm');
  t.equal(cpu?.flags?.length, 136, 'flags split on whitespace');
  t.equal(cpu?.flags?.at(-1), 'fsrm');
  t.equal(cpu?.flags?.[0], 'fpu');
  t.ok(cpu?.flags?.includes('svm'));
});

t.test('virtualization detection', async (t) => {
  const withFlags = (flags: string): string | undefined => {
    const raw = fixture('amd-desktop');
    raw.cpuFlags = flags;
    return map(raw).cpu?.virtualization;
  };
  t.equal(withFlags('fpu vme vmx sse2'), 'vmx', 'Intel VT-x');
  t.equal(withFlags('fpu svm sse2'), 'svm', 'AMD-V');
  t.equal(withFlags('fpu  \n sse2 hypervisor'), '', 'neither');
  t.equal(withFlags('svm_lock npt vmx_ept'), '', 'whole flags only, not substrings');
  t.equal(withFlags(''), '', 'no flags at all');
  // The recorded local machine is a guest without nested virtualization.
  t.equal(map(fixture('local')).cpu?.virtualization, '');
  t.same(map(fixture('local')).cpu?.model, 'Intel Xeon® Processor');
});

t.test('nics: lo skipped, virtual flag, addresses and speed', async (t) => {
  const nics = map(fixture('amd-desktop')).nics ?? [];
  t.same(
    nics.map((n) => n.name),
    ['docker0', 'enp5s0'],
    'sorted by name, without lo',
  );
  const [docker0, enp] = nics;
  t.same(docker0, {
    name: 'docker0',
    mac: '02:42:8e:5c:11:07',
    addresses: ['172.17.0.1'],
    speedMbps: 0,
    virtual: true,
    operstate: 'down',
  });
  t.same(enp?.addresses, ['192.168.1.42', 'fe80::2d8:61ff:fe3a:9b10']);
  t.equal(enp?.speedMbps, 1000);
  t.equal(enp?.virtual, false);
  t.equal(enp?.operstate, 'up');

  const local = map(fixture('local')).nics ?? [];
  t.notOk(
    local.some((n) => n.name === 'lo'),
    'lo skipped on the recorded machine too',
  );
  t.equal(local.find((n) => n.name === 'eth0')?.speedMbps, 0, 'unknown speed (-1) becomes 0');
});

t.test('filesystems: pseudo filesystems skipped, availability kept', async (t) => {
  const inv = map(fixture('amd-desktop'));
  t.same(inv.filesystems, [
    { mount: '/', fsType: 'ext4', sizeBytes: 982820896768, availableBytes: 612345678848 },
    { mount: '/boot/efi', fsType: 'vfat', sizeBytes: 536834048, availableBytes: 530579456 },
  ]);
  for (const type of ['tmpfs', 'overlay', 'squashfs', 'devtmpfs', 'fuse.lxcfs', '']) t.ok(isPseudoFs(type), type);
  for (const type of ['ext4', 'xfs', 'btrfs', 'zfs', 'vfat', 'apfs', 'NTFS']) t.notOk(isPseudoFs(type), type);
});

t.test('disks, memory, os, schemes, hypervisors', async (t) => {
  const inv = map(fixture('amd-desktop'));
  t.same(inv.disks, [
    { device: '/dev/nvme0n1', type: 'NVMe', model: 'Samsung SSD 980 PRO 1TB', sizeBytes: 1000204886016 },
  ]);
  t.same(inv.memory, { totalBytes: 33613201408, availableBytes: 21474836480, swapTotalBytes: 2147479552 });
  t.same(inv.os, {
    platform: 'linux',
    distro: 'Ubuntu',
    release: '24.04 LTS',
    kernel: '6.8.0-45-generic',
    arch: 'x64',
    hostname: 'ryzen-desk',
  });
  t.same(inv.schemes, ['qemu']);
  t.same(inv.hypervisors, [{ ...QEMU, accelerator: '', acceleratorReason: '' }], 'no driver verdict: no accelerator');
  t.equal(inv.collectedUnixMs, 1_700_000_000_000);
});

t.test('software: non-empty versions only, sorted by name', async (t) => {
  const sw = map(fixture('amd-desktop')).software ?? [];
  t.same(
    sw.map((s) => s.name),
    ['bash', 'docker', 'gcc', 'git', 'kernel', 'node', 'npm', 'openssl', 'python3'],
  );
  t.equal(sw.find((s) => s.name === 'docker')?.version, '27.2.0');
  t.notOk(
    sw.some((s) => s.version === ''),
    'no empty versions',
  );

  const local = (map(fixture('local')).software ?? []).map((s) => s.name);
  t.same(local, [...local].sort(), 'recorded machine sorted too');
  t.notOk(local.includes('php'), 'php had an empty version on the recorded machine');
});

t.test('totals, reserve and guest capacity', async (t) => {
  const raw = fixture('amd-desktop');
  const inv = map(raw, { reserve: { vcpus: 2, memoryBytes: 4 * GiB, diskBytes: 50 * GiB } });
  t.same(inv.total, { vcpus: 16, memoryBytes: 33613201408, diskBytes: 982820896768 }, 'disk = largest real fs size');
  t.same(inv.reserved, { vcpus: 2, memoryBytes: 4 * GiB, diskBytes: 50 * GiB });
  t.same(inv.guest, { vcpus: 14, memoryBytes: 33613201408 - 4 * GiB, diskBytes: 982820896768 - 50 * GiB });

  const greedy = map(raw, { reserve: { vcpus: 64, memoryBytes: 1e15, diskBytes: 1e15 } });
  t.same(greedy.reserved, greedy.total, 'reserve clamped to the totals');
  t.same(greedy.guest, { vcpus: 0, memoryBytes: 0, diskBytes: 0 }, 'guest never negative');

  const negative = map(raw, { reserve: { vcpus: -1, memoryBytes: -5, diskBytes: Number.NaN } });
  t.same(negative.reserved, { vcpus: 0, memoryBytes: 0, diskBytes: 0 }, 'nonsense reserve counts as none');
  t.same(negative.guest, negative.total);

  const explicit = map(raw, { diskBytes: 200 * GiB, reserve: { vcpus: 0, memoryBytes: 0, diskBytes: 10 * GiB } });
  t.equal(explicit.total?.diskBytes, 200 * GiB, 'explicit disk capacity wins');
  t.equal(explicit.guest?.diskBytes, 190 * GiB);
});

t.test('hash: stable across volatile changes', async (t) => {
  const a = map(fixture('amd-desktop'));
  t.match(a.hash, /^[0-9a-f]{32}$/);
  t.equal(a.hash, computeHash(a), 'hash field is computeHash of the result');

  const raw = fixture('amd-desktop');
  raw.mem.available = 1234;
  raw.fsSize[0]!.available = 42;
  raw.cpu.speed = 4.45; // current-frequency fallback moves between collections
  raw.networkInterfaces.reverse(); // enumeration order is not a change
  const b = map(raw, { now: 1_800_000_000_000 });
  t.equal(b.hash, a.hash);
  t.equal(b.memory?.availableBytes, 1234, 'volatile values still reported');
  t.equal(b.filesystems?.[0]?.availableBytes, 42);
  t.not(b.collectedUnixMs, a.collectedUnixMs);

  // Key order of a hand-built copy does not matter.
  const reordered = Object.fromEntries(Object.entries(a).reverse()) as Inventory;
  t.equal(computeHash(reordered), a.hash);
});

t.test('hash: changes when the hardware or offer changes', async (t) => {
  const base = map(fixture('amd-desktop')).hash;
  const variants: Record<string, (raw: RawSi, o: MapOptions) => void> = {
    'NIC removed': (raw) => raw.networkInterfaces.pop(),
    'NIC address changed': (raw) => (raw.networkInterfaces[1]!.ip4 = '192.168.1.43'),
    'more threads': (raw) => (raw.cpu.cores = 32),
    'memory total': (raw) => (raw.mem.total += 4096),
    'disk added': (raw) =>
      raw.diskLayout.push({ device: '/dev/sda', type: 'HD', name: 'WDC', vendor: 'WD', size: 1e12 }),
    'fs resized': (raw) => (raw.fsSize[0]!.size += 4096),
    'software upgraded': (raw) => (raw.versions['docker'] = '27.3.0'),
    'hypervisor gone': (_raw, o) => (o.hypervisors = []),
    'scheme added': (_raw, o) => (o.schemes = ['qemu', 'firecracker']),
    'reserve changed': (_raw, o) => (o.reserve = { vcpus: 1, memoryBytes: 0, diskBytes: 0 }),
  };
  const seen = new Set([base]);
  for (const [name, change] of Object.entries(variants)) {
    const raw = fixture('amd-desktop');
    const o = opts();
    change(raw, o);
    const h = mapInventory(raw, o).hash ?? '';
    t.not(h, base, name);
    seen.add(h);
  }
  t.equal(seen.size, Object.keys(variants).length + 1, 'every variant hashes differently');
});

t.test('freeCapacity', async (t) => {
  const guest = { vcpus: 16, memoryBytes: 32 * GiB, diskBytes: 900 * GiB };
  const allocated = { vcpus: 4, memoryBytes: 8 * GiB, diskBytes: 100 * GiB };
  t.same(
    freeCapacity(guest, allocated, 30 * GiB, 4 * GiB),
    { vcpus: 12, memoryBytes: 24 * GiB, diskBytes: 800 * GiB },
    'allocation bound',
  );
  t.same(freeCapacity(guest, allocated, 10 * GiB, 4 * GiB).memoryBytes, 6 * GiB, 'owner using memory caps it');
  t.same(freeCapacity(guest, allocated, 3 * GiB, 4 * GiB).memoryBytes, 0, 'available below reserve -> 0');
  t.same(
    freeCapacity(guest, { vcpus: 20, memoryBytes: 40 * GiB, diskBytes: 1000 * GiB }, 30 * GiB, 0),
    { vcpus: 0, memoryBytes: 0, diskBytes: 0 },
    'overcommitted allocation floors at 0',
  );
  t.same(
    freeCapacity({ vcpus: 2, memoryBytes: '2048', diskBytes: '100' }, {}, 1e6, 0),
    { vcpus: 2, memoryBytes: 2048, diskBytes: 100 },
    'string uint64 and absent fields',
  );
  t.equal(toNumber(undefined), 0);
});

t.test('parseSize accepts', async (t) => {
  const cases: Array<[string, number]> = [
    ['1024', 1024],
    ['0', 0],
    ['4096B', 4096],
    ['4k', 4096],
    ['512M', 512 * 2 ** 20],
    ['512MiB', 512 * 2 ** 20],
    ['2G', 2 * GiB],
    ['2GB', 2 * GiB],
    ['1.5GiB', 1.5 * GiB],
    [' 10 G ', 10 * GiB],
    ['1T', 2 ** 40],
  ];
  for (const [input, want] of cases) t.equal(parseSize(input), want, JSON.stringify(input));
});

t.test('parseSize rejects', async (t) => {
  for (const bad of ['', '  ', '10%', '-1G', 'abc', 'G', '1.5', '5X', '1e3', '10iB', '1 0M', '99999999P']) {
    t.throws(() => parseSize(bad), { message: /invalid size/ }, JSON.stringify(bad));
  }
  t.throws(() => parseSize('10%'), { message: /"10%"/ }, 'message names the input');
});
