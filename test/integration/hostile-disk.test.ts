import t from 'tap';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { VmSpec } from '../../agent/drivers/driver.js';
import { QemuDriver } from '../../agent/drivers/qemu/driver.js';
import { fileSha256 } from '../../agent/drivers/qemu/image.js';
import { inspectQcow2 } from '../../common/disk-inspect.js';
import { ulid } from '../../common/ids.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { hostIdOf, joinToken, listHosts, ROOT, startAgent, startController, type Proc } from '../helpers/procs.js';
import { processesWith, killWith } from '../helpers/vms.js';
import { setApi } from '../helpers/sets.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';

// Hostile qcow2 disks on cold moves (issue 9, finding 3): a moved overlay that
// names an external data file, a json:/protocol backing, a foreign base, or is
// encrypted, snapshotted, oversized or not qcow2 at all, is refused by the
// target before any QEMU (or qemu-img) opens what it points at; the host file it
// names is neither read nor written. Real qemu-img builds the disks; the last
// test moves a real guest whose disk was swapped for a hostile one.

qemuOrSkip('hostile-disk');
t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
t.setTimeout(15 * 60_000);
buildGuestImage(t);
const imageRoot = join(ROOT, '.cache/guest');
const dataDisk = join(imageRoot, 'nephele-guest', 'data.qcow2');

const img = (...args: string[]) => execFileSync('qemu-img', args, { stdio: 'pipe' });

/** A host file a hostile disk points at, with its content and times remembered (atime set in the past: a read moves it). */
function secretFile(dir: string, name = 'secret'): { path: string; unchanged: () => boolean } {
  const path = join(dir, name);
  writeFileSync(path, 'TOP SECRET: the host key\n');
  const past = new Date(Date.now() - 3 * 86_400_000);
  utimesSync(path, past, past);
  const before = statSync(path);
  return {
    path,
    // Times first (reading the content moves atime), then put the times back for the next look.
    unchanged: () => {
      const st = statSync(path);
      const same = st.mtimeMs === before.mtimeMs && st.atimeMs === before.atimeMs && st.size === before.size;
      const content = readFileSync(path, 'utf8');
      utimesSync(path, before.atime, before.mtime);
      return same && content === 'TOP SECRET: the host key\n';
    },
  };
}

/** A qcow2 with an external raw data file at `target` (qemu-img create sizes the data file, so it is restored after). */
function dataFileDisk(path: string, secret: { path: string }): void {
  const st = statSync(secret.path);
  const keep = readFileSync(secret.path);
  img('create', '-q', '-f', 'qcow2', '-o', `data_file=${secret.path},data_file_raw=on`, path, '1M');
  writeFileSync(secret.path, keep);
  utimesSync(secret.path, st.atime, st.mtime);
}

/**
 * An encrypted qcow2: a plain one whose header says AES (crypt_method 1, which
 * needs no header extension). Not `qemu-img create -o encrypt.format=luks`:
 * that times PBKDF2 on the thread CPU clock and on some machines fails every
 * try with "Unable to get accurate CPU usage". A hand-set header is also what
 * an attacker would upload.
 */
function encryptedDisk(path: string): void {
  img('create', '-q', '-f', 'qcow2', path, '1M');
  const fd = openSync(path, 'r+');
  try {
    const word = Buffer.alloc(4);
    word.writeUInt32BE(1, 0);
    writeSync(fd, word, 0, 4, 32);
  } finally {
    closeSync(fd);
  }
}

t.test('the target refuses every hostile disk, with a reason, and touches nothing it names', async (t) => {
  const dir = tmpDir('nephele-hostile-');
  const secret = secretFile(dir);
  const sha = await fileSha256(dataDisk);
  const foreignBase = join(dir, `${'0'.repeat(64)}.qcow2`);
  img('create', '-q', '-f', 'qcow2', foreignBase, '64M');
  const disks: [string, (p: string) => void, RegExp][] = [
    ['external data file', (p) => dataFileDisk(p, secret), /external data file ".*secret"/],
    [
      'json: backing',
      (p) =>
        img(
          'create',
          '-q',
          '-f',
          'qcow2',
          '-u',
          '-b',
          `json:{"driver":"file","filename":"${secret.path}"}`,
          '-F',
          'raw',
          p,
          '1M',
        ),
      /json: block device specification/,
    ],
    [
      'nbd: backing',
      (p) => img('create', '-q', '-f', 'qcow2', '-u', '-b', 'nbd:127.0.0.1:10809', '-F', 'raw', p, '1M'),
      /names a protocol "nbd:/,
    ],
    [
      'file: backing',
      (p) => img('create', '-q', '-f', 'qcow2', '-u', '-b', `file:${secret.path}`, '-F', 'raw', p, '1M'),
      /names a protocol "file:/,
    ],
    [
      'plain path backing',
      (p) => img('create', '-q', '-f', 'qcow2', '-u', '-b', secret.path, '-F', 'raw', p, '1M'),
      /not by this host's base image/,
    ],
    [
      'another base',
      (p) => img('create', '-q', '-f', 'qcow2', '-b', foreignBase, '-F', 'qcow2', p),
      /not by this host's base image/,
    ],
    ['encrypted', (p) => encryptedDisk(p), /encrypted/],
    [
      'internal snapshot',
      (p) => (img('create', '-q', '-f', 'qcow2', p, '1M'), img('snapshot', '-c', 's1', p)),
      /internal snapshot/,
    ],
    ['absurd virtual size', (p) => img('create', '-q', '-f', 'qcow2', p, '100T'), /virtual size .* exceeds/],
    ['raw file', (p) => writeFileSync(p, Buffer.alloc(1024 * 1024, 0x5a)), /not a qcow2 file/],
  ];
  const stateDir = tmpDir('nephele-hostile-state-');
  const d = new QemuDriver({ stateDir, imageRoot, accel: 'tcg' });
  t.teardown(async () => {
    await d.close();
    killWith(stateDir); // only if a disk got through
  });
  for (const [what, make, reason] of disks) {
    const file = join(dir, `${what.replace(/\W+/g, '-')}.qcow2`);
    make(file);
    await t.rejects(
      inspectQcow2(file, { baseSha256: sha, maxVirtualBytes: 1024 ** 3 }),
      { name: 'DiskRejectedError', message: reason },
      `inspector: ${what}`,
    );
    const id = ulid();
    const spec: VmSpec = {
      id,
      name: 'moved',
      vcpus: 1,
      memoryMiB: 128,
      diskGiB: 1,
      image: 'nephele-guest',
      appliancePort: 8080,
      config: {},
    };
    await t.rejects(
      d.create(spec, { importDisk: file }),
      { name: 'DriverError', code: 'INVALID_SPEC', message: /^the moved disk was refused: / },
      `driver: ${what}`,
    );
    t.notOk(existsSync(join(stateDir, id)), `${what}: no VM dir left`);
    t.same(processesWith(`nephele-${id}`), [], `${what}: no QEMU started`);
    t.ok(secret.unchanged(), `${what}: the secret was neither read nor written`);
  }
});

t.test('a guest whose disk was swapped for one with an external data file is refused on the move target', async (t) => {
  const ctl = await startController(tmpDir());
  const adir = tmpDir('ngh-');
  const bdir = tmpDir('ngh-');
  const secret = secretFile(tmpDir('nephele-secret-'));
  const agents: Proc[] = [];
  const api = setApi(ctl);
  t.teardown(async () => {
    api.close();
    for (const a of agents) await a.kill();
    await ctl.kill();
    for (const dd of [adir, bdir]) killWith(dd);
  });
  const args = ['--schemes', 'qemu', '--image-dir', imageRoot, '--guest-vcpus', '2'];
  agents.push(startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), name: 'source', args }));
  await waitFor(
    async () =>
      (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && (h.inventory?.guest?.vcpus ?? 0) > 0),
    { timeoutMs: 60_000, message: 'source ready' },
  );
  const { set } = await api.create({
    name: 'victim',
    count: 1,
    spec: { scheme: '', vcpus: 1, memoryMib: 128, diskGib: 1 },
    schemePreference: ['qemu'],
    sla: 'SLA_GUARANTEED',
  });
  await api.waitSet(set!.id, (s) => s.running === 1, 'running on the source', 120_000);
  const vm = (await api.vms()).find((v) => v.setId === set!.id)!;
  t.equal(vm.hostId, hostIdOf(adir));
  agents.push(startAgent(ctl.address, bdir, { joinToken: await joinToken(ctl), name: 'target', args }));
  await waitFor(
    async () =>
      (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY' && (h.inventory?.guest?.vcpus ?? 0) > 0)
        .length === 2,
    { timeoutMs: 60_000, message: 'target ready' },
  );

  // A compromised source: the disk it will upload names a file on the target's host.
  const overlay = join(adir, 'vms', vm.id, 'overlay.qcow2');
  const hostile = join(adir, 'hostile.qcow2');
  dataFileDisk(hostile, secret);
  renameSync(hostile, overlay); // the running QEMU keeps its own (unlinked) file
  t.ok(secret.unchanged(), 'secret intact before the move');

  const res = await api.drain(vm.hostId);
  t.equal(res.vmsMoved, 1, 'the move starts');
  const failed = await waitFor(
    async () => {
      const v = (await api.vms()).find((x) => x.id === vm.id);
      return v && v.hostId === hostIdOf(bdir) && v.state === 'VM_STATE_FAILED' ? v : undefined;
    },
    { timeoutMs: 120_000, message: 'the moved VM failed on the target' },
  );
  t.match(failed.stateReason, /the moved disk was refused: it names an external data file/, 'the reason says why');
  t.ok(secret.unchanged(), 'the secret was neither read nor written');
  t.same(processesWith(`nephele-${vm.id}`), [], 'no QEMU runs for it anywhere');
  t.notOk(existsSync(join(bdir, 'vms', vm.id)), 'the target kept nothing of it');
  t.same(
    readdirSync(join(bdir, 'transfers')).filter((f) => !f.startsWith('.')),
    [],
    'the downloaded disk was deleted',
  );
  const s = await api.waitSet(set!.id, (x) => x.state === 'VM_SET_STATE_PARTIAL', 'set partial');
  t.match(s.reasons.join(' '), /moved disk was refused/, 'the set says why');
});
