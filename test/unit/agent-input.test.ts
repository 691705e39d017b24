// Finding 12: what an agent sends is bounded and checked before it is stored,
// and host pages stay far below the gRPC message limits.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { mapInventory, type RawSi } from '../../agent/inventory/map.js';
import { boundInventory, INVENTORY_LIMITS as L } from '../../common/inventory-limits.js';
import {
  checkInventory,
  cleanAddresses,
  cleanLoad,
  clampFree,
  judgeSeq,
  MAX_SEQ_JUMP,
} from '../../controller/hosts/agent-input.js';
import { inventorySummary } from '../../controller/hosts/registry.js';
import { fitPage, PAGE_BYTES } from '../../controller/hosts/service.js';
import { noteEpoch, KEPT_EPOCHS } from '../../controller/hosts/outbox-epochs.js';
import { SERVER_OPTIONS } from '../../common/grpc/options.js';
import { v1 } from '../../common/grpc/load.js';
import type { Inventory__Output as Inventory } from '../../common/gen/nephele/v1/Inventory.js';
import type { Host } from '../../common/gen/nephele/v1/Host.js';

const GiB = 2 ** 30;
const TiB = 2 ** 40;
const x = (n: number) => 'x'.repeat(n);

function fixtureInventory(): Inventory {
  const raw = JSON.parse(
    readFileSync(new URL('../../../test/fixtures/si/amd-desktop.json', import.meta.url), 'utf8'),
  ) as RawSi;
  return mapInventory(raw, {
    schemes: ['qemu', 'process'],
    hypervisors: [
      { name: 'qemu', binary: '/usr/bin/qemu-system-x86_64', version: '8.2.2', kvmDevice: true, detail: '' },
    ],
    reserve: { vcpus: 1, memoryBytes: GiB, diskBytes: 10 * GiB },
    now: 1_700_000_000_000,
  }) as Inventory;
}

/** An inventory at every bound (what a hostile agent can still get stored). */
function maximalInventory(): Inventory {
  const cap = { vcpus: 4096, memoryBytes: 64 * TiB, diskBytes: 1024 * TiB };
  return {
    cpu: {
      vendor: x(L.text),
      model: x(L.text),
      cores: 4096,
      threads: 4096,
      sockets: 64,
      speedGhz: 3.3,
      flags: Array(L.cpuFlags).fill(x(L.cpuFlagLength)),
      virtualization: 'vmx',
    },
    memory: { totalBytes: 64 * TiB, availableBytes: 32 * TiB, swapTotalBytes: TiB },
    disks: Array(L.disks).fill({ device: x(L.text), type: x(L.text), model: x(L.text), sizeBytes: TiB }),
    filesystems: Array(L.filesystems).fill({
      mount: x(L.path),
      fsType: x(L.text),
      sizeBytes: TiB,
      availableBytes: TiB,
    }),
    nics: Array(L.nics).fill({
      name: x(L.text),
      mac: x(L.text),
      addresses: Array(L.addressesPerNic).fill(x(L.address)),
      speedMbps: 100_000,
      virtual: true,
      operstate: x(L.text),
    }),
    os: {
      platform: x(L.text),
      distro: x(L.text),
      release: x(L.text),
      kernel: x(L.text),
      arch: x(L.text),
      hostname: x(L.text),
    },
    hypervisors: Array(L.hypervisors).fill({
      name: x(L.text),
      binary: x(L.path),
      version: x(L.text),
      kvmDevice: true,
      detail: x(L.path),
    }),
    software: Array(L.software).fill({ name: x(L.softwareText), version: x(L.softwareText) }),
    schemes: Array(L.schemes).fill(x(L.scheme)),
    total: cap,
    reserved: cap,
    guest: cap,
    hash: x(L.hash),
    collectedUnixMs: 1_700_000_000_000,
  };
}

function host(inventory: Inventory, o: { worst?: boolean } = {}): Host {
  const w = !!o.worst;
  const cap = inventory.guest!;
  return {
    id: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
    name: w ? x(253) : 'lab-pc-017',
    kind: 'HOST_KIND_ADHOC',
    state: 'HOST_STATE_READY',
    stateReason: 'session established',
    stateChangedUnixMs: 1_700_000_000_000,
    cordoned: w,
    cordonReason: w ? x(256) : '',
    groups: w ? Array(64).fill(x(63)) : ['lab'],
    addresses: w ? Array(17).fill(x(64)) : ['10.1.2.17', 'fe80::1c2:3ff:fe4:5'],
    agentVersion: w ? x(64) : '0.1.0',
    schemes: inventory.schemes,
    inventory,
    free: cap,
    load: { load1: 1.5, cpuPct: 12.5, memoryAvailableBytes: 12 * GiB, ownerCpuPct: 3, ownerIdleMs: 60_000 },
    enrolledUnixMs: 1_700_000_000_000,
    lastSeenUnixMs: 1_700_000_000_000,
    heartbeatIntervalMs: 10_000,
    labels: w
      ? Object.fromEntries(Array.from({ length: 32 }, (_, i) => [x(61) + String(i).padStart(2, '0'), x(63)]))
      : { room: 'b12', gpu: 'none' },
    peer: '10.1.2.17:51234',
    version: 1234,
    revoked: w,
    revokedReason: w ? x(256) : '',
    certNotAfterUnixMs: 1_700_000_000_000,
    owner: 'OWNER_STATE_IDLE',
    offersGuarantees: false,
    allocated: cap,
    vmCount: 3,
  };
}

const encoded = (hosts: Host[]) =>
  (v1().HostService.service.ListHosts.responseSerialize as (r: unknown) => Buffer)({ hosts, nextPageToken: '' }).length;

t.test('lists and strings are cut to the bounds; the agent sends no more than the controller keeps', async (t) => {
  const big = maximalInventory();
  big.software = Array.from({ length: 30_000 }, (_, i) => ({ name: `pkg-${i}`, version: x(500) }));
  big.nics = [
    {
      name: 'eth0',
      mac: 'aa:bb',
      addresses: Array.from({ length: 300 }, (_, i) => `10.0.${i >> 8}.${i & 255}`),
      speedMbps: 1000,
      virtual: false,
      operstate: 'up',
    },
  ];
  big.cpu!.model = x(10_000);
  const { inv, truncated } = boundInventory(big);
  t.equal(inv.software.length, L.software);
  t.equal(inv.software[0]!.version.length, L.softwareText);
  t.equal(inv.nics[0]!.addresses.length, L.addressesPerNic, '300 addresses → 8');
  t.equal(inv.cpu!.model.length, L.text);
  t.same(truncated.sort(), ['cpu.model', 'nics.addresses', 'software'].sort(), 'says what was cut');
  t.same(boundInventory(fixtureInventory()).truncated, [], 'a real inventory is not cut');
  t.same(boundInventory(fixtureInventory()).inv, fixtureInventory(), 'nor changed');
});

t.test('implausible capacity rejects the inventory; a real one passes', async (t) => {
  t.ok(checkInventory(fixtureInventory()).ok, 'a recorded inventory is plausible');
  t.ok(checkInventory(maximalInventory()).ok, 'the limits themselves are allowed');
  const bad = (f: (i: Inventory) => void) => {
    const i = fixtureInventory();
    f(i);
    const r = checkInventory(i);
    return r.ok ? 'accepted' : r.reason;
  };
  t.match(
    bad((i) => (i.guest!.vcpus = 4097)),
    /guest\.vcpus 4097 exceeds 4096/,
  );
  t.match(
    bad((i) => (i.total!.memoryBytes = 65 * TiB)),
    /total\.memoryBytes .* exceeds/,
  );
  t.match(
    bad((i) => (i.guest!.memoryBytes = i.total!.memoryBytes + 1)),
    /guest\.memoryBytes exceeds total/,
  );
  t.match(
    bad((i) => (i.memory!.availableBytes = i.memory!.totalBytes + 1)),
    /available_bytes exceeds/,
  );
  t.match(
    bad((i) => (i.cpu!.speedGhz = Number.NaN)),
    /speed_ghz/,
  );
  t.match(
    bad((i) => (i.guest!.diskBytes = 2 ** 60)),
    /guest\.diskBytes/,
  );
  t.match(
    bad((i) => (i.hash = '')),
    /hash/,
  );
  t.equal(
    bad((i) => (i.guest!.vcpus = i.total!.vcpus * 4)),
    'accepted',
    'overcommitted guest vCPUs (--guest-vcpus) are fine',
  );
});

t.test('heartbeat figures, addresses and sequence numbers', async (t) => {
  t.same(
    cleanLoad({
      load1: -1,
      cpuPct: Number.NaN,
      memoryAvailableBytes: 2 ** 60,
      ownerCpuPct: Number.POSITIVE_INFINITY,
      ownerIdleMs: 5,
    }),
    { load1: 0, cpuPct: 0, memoryAvailableBytes: 0, ownerCpuPct: 0, ownerIdleMs: 5 },
  );
  t.same(
    clampFree(
      { vcpus: 100_000, memoryBytes: 2 * GiB, diskBytes: -1 },
      { vcpus: 8, memoryBytes: 8 * GiB, diskBytes: 100 * GiB },
    ),
    { vcpus: 8, memoryBytes: 2 * GiB, diskBytes: 0 },
    'free never above the guest capacity',
  );
  const many = Array.from({ length: 300 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
  t.equal(cleanAddresses([...many, x(5000), 'a b'], '127.0.0.1').length, 17, '16 addresses and the peer');
  t.same(cleanAddresses(['fe80::1%eth0', x(65), '<script>'], ''), ['fe80::1%eth0'], 'only address-shaped strings');

  t.equal(judgeSeq(5, 4, 0), 'store');
  t.equal(judgeSeq(3, 4, 0), 'duplicate', 'a resend after a reconnect');
  t.match(judgeSeq(2 ** 53 - 1, 4, 0), { reject: /jumps/ });
  t.equal(judgeSeq(4 + MAX_SEQ_JUMP, 4, 0), 'store', 'up to the bound');
  t.match(judgeSeq(3, 4, 3), { reject: /backwards/ }, 'a resend within one session');
  t.match(judgeSeq(9, 8, 9), { reject: /backwards/ });

  let l = noteEpoch(undefined, 'aa', 3);
  l = noteEpoch(l, 'bb', 5);
  l = noteEpoch(l, 'aa', 7);
  t.same(
    l,
    [
      { epoch: 'bb', seq: 5 },
      { epoch: 'aa', seq: 7 },
    ],
    'latest last',
  );
  t.same(noteEpoch(l, '', 9), l, 'no epoch: an older agent');
  for (let i = 0; i < 20; i++) l = noteEpoch(l, `e${i}`, 10 + i);
  t.equal(l.length, KEPT_EPOCHS, 'bounded');
});

t.test('host pages stay far below the message limits', async (t) => {
  const maxSend = SERVER_OPTIONS['grpc.max_send_message_length'] as number;
  const clientReceive = 4 * 1024 * 1024; // grpc-js default for clients
  const typical = host(fixtureInventory());
  const basic1000 = encoded(
    Array(1000).fill({ ...typical, inventory: inventorySummary(typical.inventory as Inventory) }),
  );
  const full1000 = encoded(Array(1000).fill(typical));
  t.comment(`1,000 typical hosts: basic ${basic1000} bytes, full ${full1000} bytes`);
  t.ok(
    basic1000 < clientReceive / 2 && basic1000 < maxSend / 8,
    `a page of 1,000 typical hosts in the basic view is ${(basic1000 / 2 ** 20).toFixed(2)} MiB`,
  );

  const worst = host(maximalInventory(), { worst: true });
  const worstBasic = { ...worst, inventory: inventorySummary(worst.inventory as Inventory) };
  t.comment(`one host at every bound: basic ${encoded([worstBasic])} bytes, full ${encoded([worst])} bytes`);
  t.ok(encoded(Array(25).fill(worst)) < clientReceive, 'a full page (at most 25) of the largest hosts fits a client');
  // Hosts at every bound: the page ends early, by size.
  const n = fitPage(Array(1000).fill(worstBasic));
  t.ok(n < 1000 && n > 50, `1,000 of the largest basic hosts are cut to ${n} per page`);
  t.ok(encoded(Array(n).fill(worstBasic)) <= PAGE_BYTES, 'and that page is within the page budget');
  t.equal(
    fitPage(Array(1000).fill({ ...typical, inventory: inventorySummary(typical.inventory as Inventory) })),
    1000,
    'a page of 1,000 typical basic hosts is never cut',
  );
  t.equal(fitPage([{ huge: x(PAGE_BYTES * 2) }]), 1, 'a page always holds at least one');
});
