// Hypervisor detection (with fake qemu binaries) and the collector's I/O side.
import t from 'tap';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectHypervisors, parseQemuVersion } from '../../agent/inventory/hypervisors.js';
import { InventoryCollector, parseMemAvailable } from '../../agent/inventory/collect.js';
import { mapInventory, type RawSi } from '../../agent/inventory/map.js';

function fixture(name: string): RawSi {
  const url = new URL(`../../../test/fixtures/si/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RawSi;
}

function fakeBin(dir: string, name: string, body: string): void {
  const p = path.join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
}

const QEMU_OUT =
  'echo "QEMU emulator version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1)"; echo "Copyright (c) 2003-2023 Fabrice Bellard"';

t.test('parseQemuVersion', async (t) => {
  t.equal(parseQemuVersion('QEMU emulator version 8.2.2 (Debian 1:8.2.2+ds-0ubuntu1)\nCopyright'), '8.2.2');
  t.equal(parseQemuVersion('QEMU emulator version 9.1.0\n'), '9.1.0');
  t.equal(parseQemuVersion('something else\nmore'), 'something else', 'unparsable: first line');
  t.equal(parseQemuVersion(''), '');
});

t.test('detectHypervisors', async (t) => {
  const dir = t.testdir({ bin: {}, empty: {}, kvm: '' });
  const bin = path.join(dir, 'bin');
  const kvm = path.join(dir, 'kvm');
  fakeBin(bin, 'qemu-system-x86_64', QEMU_OUT);
  fakeBin(bin, 'qemu-system-aarch64', 'echo "QEMU emulator version 7.2.0"');

  const found = await detectHypervisors({ pathEnv: bin, extraDirs: [], kvmDevice: kvm, hostArch: 'x64' });
  t.same(found, [
    {
      name: 'qemu',
      binary: path.join(bin, 'qemu-system-x86_64'),
      version: '8.2.2',
      kvmDevice: true,
      detail: 'kvm device present (usability decided by a probe guest)',
    },
    {
      name: 'qemu',
      binary: path.join(bin, 'qemu-system-aarch64'),
      version: '7.2.0',
      kvmDevice: false,
      detail: 'foreign architecture: emulation only (TCG)',
    },
  ]);

  const noKvm = await detectHypervisors({
    pathEnv: bin,
    extraDirs: [],
    kvmDevice: path.join(dir, 'missing'),
    hostArch: 'x64',
  });
  t.equal(noKvm[0]?.kvmDevice, false, 'missing /dev/kvm');
  t.match(noKvm[0]?.detail, /no read-write \/dev\/kvm/);

  const viaExtra = await detectHypervisors({ pathEnv: '', extraDirs: [bin], kvmDevice: kvm, hostArch: 'arm64' });
  t.same(
    viaExtra.map((h) => [path.basename(h.binary), h.kvmDevice]),
    [
      ['qemu-system-x86_64', false],
      ['qemu-system-aarch64', true],
    ],
    'extra dirs searched; kvm follows the host arch',
  );

  t.same(
    await detectHypervisors({ pathEnv: path.join(dir, 'empty'), extraDirs: [], kvmDevice: kvm }),
    [],
    'none found',
  );
  t.same(
    await detectHypervisors({ pathEnv: 'relative/dir', extraDirs: [], kvmDevice: kvm }),
    [],
    'relative PATH entries ignored',
  );
});

t.test('detectHypervisors survives a hanging or failing binary', async (t) => {
  const dir = t.testdir({ hang: {}, fail: {} });
  fakeBin(path.join(dir, 'hang'), 'qemu-system-x86_64', 'exec sleep 10');
  fakeBin(path.join(dir, 'fail'), 'qemu-system-x86_64', 'echo broken >&2; exit 3');

  const started = Date.now();
  const hung = await detectHypervisors({
    pathEnv: path.join(dir, 'hang'),
    extraDirs: [],
    timeoutMs: 300,
    hostArch: 'x64',
  });
  t.ok(Date.now() - started < 5000, 'timeout honoured');
  t.equal(hung.length, 1);
  t.equal(hung[0]?.version, '');
  t.match(hung[0]?.detail, /version check failed/);

  const failed = await detectHypervisors({ pathEnv: path.join(dir, 'fail'), extraDirs: [], hostArch: 'x64' });
  t.equal(failed[0]?.version, '');
  t.match(failed[0]?.detail, /version check failed/);
});

t.test('parseMemAvailable', async (t) => {
  t.equal(
    parseMemAvailable('MemTotal:       24684084 kB\nMemFree:  100 kB\nMemAvailable:   24205320 kB\n'),
    24205320 * 1024,
  );
  t.equal(parseMemAvailable('MemTotal: 1 kB\nMemFree: 2 kB\n'), undefined);
});

t.test('InventoryCollector.collect maps through the seams', async (t) => {
  const raw = fixture('amd-desktop');
  const hv = [{ name: 'qemu', binary: '/x', version: '1', kvmDevice: false, detail: '' }];
  const reserve = { vcpus: 2, memoryBytes: 1024, diskBytes: 0 };
  const c = new InventoryCollector({
    reserve,
    schemes: ['qemu'],
    diskBytes: 1000,
    readRaw: async () => raw,
    detect: async () => hv,
  });
  const inv = await c.collect();
  const expected = mapInventory(raw, { reserve, schemes: ['qemu'], hypervisors: hv, now: 0, diskBytes: 1000 });
  t.equal(inv.hash, expected.hash);
  t.same(inv.guest, { vcpus: 14, memoryBytes: 33613201408 - 1024, diskBytes: 1000 });
  t.ok(Math.abs(Number(inv.collectedUnixMs) - Date.now()) < 10_000, 'collected now');
});

t.test('InventoryCollector.sample', async (t) => {
  const dir = t.testdir({
    meminfo: 'MemTotal: 4000 kB\nMemFree: 10 kB\nMemAvailable:    1000 kB\n',
    old: 'MemTotal: 4000 kB\n',
  });
  const base = { reserve: { vcpus: 0, memoryBytes: 0, diskBytes: 0 }, schemes: [] };

  const fake = new InventoryCollector({ ...base, meminfoPath: path.join(dir, 'meminfo') });
  const s = fake.sample();
  t.equal(s.memAvailableBytes, 1000 * 1024, 'MemAvailable, not MemFree');
  t.equal(s.load.memoryAvailableBytes, 1000 * 1024);
  t.ok(s.load.cpuPct >= 0 && s.load.cpuPct <= 100, `cpuPct ${s.load.cpuPct}`);
  t.ok(Number.isFinite(s.load.load1) && s.load.load1 >= 0, `load1 ${s.load.load1}`);

  // Busy-spin so the second sample sees CPU time move.
  const until = Date.now() + 150;
  while (Date.now() < until);
  const s2 = fake.sample();
  t.ok(s2.load.cpuPct > 0 && s2.load.cpuPct <= 100, `cpuPct after busy loop ${s2.load.cpuPct}`);

  const missing = new InventoryCollector({ ...base, meminfoPath: path.join(dir, 'nope') });
  const m = missing.sample().memAvailableBytes;
  t.ok(m > 0 && m <= os.totalmem(), 'falls back to os.freemem');
  t.not(m, 1000 * 1024);

  const old = new InventoryCollector({ ...base, meminfoPath: path.join(dir, 'old') });
  t.ok(old.sample().memAvailableBytes > 0, 'no MemAvailable line: os.freemem');
});

t.test('InventoryCollector.collect on this machine', { timeout: 60_000 }, async (t) => {
  const inv = await new InventoryCollector({
    reserve: { vcpus: 1, memoryBytes: 0, diskBytes: 0 },
    schemes: ['qemu'],
  }).collect();
  t.equal(inv.cpu?.threads, os.cpus().length, 'threads = logical CPUs');
  t.equal(inv.memory?.totalBytes, os.totalmem(), 'memory total = MemTotal');
  t.equal(inv.os?.hostname, os.hostname());
  t.notOk(inv.nics?.some((n) => n.name === 'lo'));
  t.equal(inv.guest?.vcpus, os.cpus().length - 1);
  t.match(inv.hash, /^[0-9a-f]{32}$/);
});

t.test('withAccelerator: the QEMU driver verdict lands on the entry of the binary it drives', async (t) => {
  const { withAccelerator } = await import('../../agent/inventory/hypervisors.js');
  const found = [
    { name: 'qemu', binary: '/usr/bin/qemu-system-x86_64', version: '8.2.2', kvmDevice: true, detail: '' },
    { name: 'qemu', binary: '/usr/bin/qemu-system-aarch64', version: '8.2.2', kvmDevice: false, detail: '' },
  ];
  const fp = {
    attributes: { binary: '/usr/local/bin/qemu-system-x86_64', accelerator: 'tcg', accelerator_reason: 'no-kvm: x' },
  };
  const out = withAccelerator(found, fp);
  t.same(
    out.map((h) => [h.accelerator, h.acceleratorReason]),
    [
      ['tcg', 'no-kvm: x'],
      [undefined, undefined],
    ],
  );
  t.equal(withAccelerator(found, undefined), found, 'no QEMU driver in use: unchanged');
});
