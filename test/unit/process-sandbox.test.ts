// The pure parts of the process VM sandbox: uid allocation, the probe's verdict,
// the argv, the setup's ready signal.
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { tmpDir } from '../helpers/tmp.js';
import {
  awaitReady,
  parseProbe,
  parseUid,
  parseUidRange,
  pickUid,
  sandboxArgv,
  usedUids,
} from '../../agent/drivers/process/sandbox.js';

const UID = 200_007;
const held = (o: Record<string, string> = {}) =>
  Object.entries({
    Uid: `${UID}\t${UID}\t${UID}\t${UID}`,
    Gid: `${UID}\t${UID}\t${UID}\t${UID}`,
    Groups: '',
    CapEff: '0000000000000000',
    CapPrm: '0000000000000000',
    CapBnd: '0000000000000000',
    CapAmb: '0000000000000000',
    NoNewPrivs: '1',
    procs: '2',
    ifaces: 'lo,',
    rootfs: 'tmpfs nephele-root rw,size=1024k,mode=755',
    home: 'writable',
    tmp: 'writable',
    ...o,
  })
    .filter(([, v]) => v !== 'DROP')
    .map(([k, v]) => `${k}:\t${v}`)
    .join('\n');

t.test('uid range flag', async (t) => {
  t.same(parseUidRange('200000-265535'), { first: 200_000, count: 65_536 });
  t.same(parseUidRange(' 300000 - 300000 '), { first: 300_000, count: 1 });
  for (const bad of ['', '200000', '0-100', '999-2000', '5-4', '200000-99999999999', 'a-b'])
    t.throws(() => parseUidRange(bad), `rejects ${JSON.stringify(bad)}`);
});

t.test('uid allocation: lowest free, never one a VM holds, recorded uids survive a range change', async (t) => {
  const range = { first: 200_000, count: 4 };
  t.equal(pickUid(new Set(), range), 200_000);
  t.equal(pickUid(new Set([200_000, 200_002]), range), 200_001, 'the first gap');
  t.equal(pickUid(new Set([200_000, 200_001, 200_002, 200_003]), range), undefined, 'none when the range is used up');
  t.equal(parseUid('200003\n'), 200_003);
  t.equal(parseUid('150000'), 150_000, 'a uid recorded under an older range is kept');
  for (const bad of [undefined, '', '0', '999', '-5', 'x', '4294967295'])
    t.equal(parseUid(bad), undefined, `no uid from ${JSON.stringify(bad)}`);

  const state = tmpDir();
  const vm = (id: string, uid?: string) => {
    mkdirSync(join(state, id), { recursive: true });
    if (uid !== undefined) writeFileSync(join(state, id, 'uid'), uid);
  };
  vm('01HX0000000000000000000001', '200000\n');
  vm('01HX0000000000000000000002', '200002\n');
  vm('01HX0000000000000000000003'); // a qemu VM: no uid
  vm('01HX0000000000000000000004', 'garbage');
  vm('.isolation-probe-1', '200001\n'); // not a VM
  t.same([...usedUids(state)].sort(), [200_000, 200_002], 'the uids recorded by VM dirs');
  t.same([...usedUids(state, '01HX0000000000000000000002')], [200_000], 'except the asking VM');
  t.equal(pickUid(usedUids(state), { first: 200_000, count: 65_536 }), 200_001);
  t.same([...usedUids(join(state, 'missing'))], [], 'no state dir: nothing used');
});

t.test('probe verdict: every property must hold', async (t) => {
  t.same(parseProbe(held(), UID), { ok: true }, 'all held');
  t.same(
    parseProbe(held({ Groups: String(UID), CapAmb: 'DROP' }), UID),
    { ok: true },
    'the own gid as a group, no CapAmb line (old kernels)',
  );
  const cases: [string, Record<string, string>, RegExp][] = [
    ['root', { Uid: '0\t0\t0\t0' }, /uid 0/],
    ['saved uid root', { Uid: `${UID}\t${UID}\t0\t${UID}` }, /uid/],
    ['other gid', { Gid: '0\t0\t0\t0' }, /gid 0/],
    ['groups kept', { Groups: `${UID} 27` }, /supplementary groups/],
    ['capabilities', { CapEff: '000001ffffffffff' }, /capabilities \(CapEff/],
    ['bounding set', { CapBnd: '000001ffffffffff' }, /CapBnd/],
    ['no no_new_privs', { NoNewPrivs: '0' }, /no_new_privs/],
    ['host pids', { procs: '240' }, /240 processes/],
    ['host network', { ifaces: 'lo,eth0,' }, /host's network \(lo, eth0\)/],
    ['host root', { rootfs: 'overlay overlay rw,lowerdir=/x' }, /root is not the sandbox's own \(overlay/],
    ['no mountinfo', { rootfs: 'DROP' }, /root is not the sandbox's own \(unknown\)/],
    ['read-only home', { home: 'DROP' }, /its own home/],
    ['no tmp', { tmp: 'DROP' }, /private \/tmp/],
    ['writable /usr', { usr: 'writable' }, /outside its home/],
  ];
  for (const [name, o, why] of cases) {
    const r = parseProbe(held(o), UID);
    t.notOk(r.ok, `${name}: not isolated`);
    if (!r.ok) t.match(r.reason, why, `${name}: ${r.reason}`);
  }
  const seen = parseProbe(`${held()}\nvisible: /var/lib/nephele-agent/vms/other/config.json`, UID);
  t.same(seen, { ok: false, reason: 'sees /var/lib/nephele-agent/vms/other/config.json' }, 'a visible agent path');
  t.same(parseProbe('', UID), { ok: false, reason: 'the sandboxed probe printed nothing' });
});

t.test('sandbox argv', async (t) => {
  const base = { dir: '/d/vms/X', uid: UID, tmpMiB: 64.5, readOnly: ['/d/vms/X/config.json'], mode: 'task' as const };
  const task = sandboxArgv({ ...base, ownNetwork: true }, ['sh', '-c', 'true']);
  t.same(
    task.slice(0, 7),
    ['unshare', '--mount', '--pid', '--fork', '--ipc', '--uts', '--net'],
    'every namespace, a network one for tasks',
  );
  t.same(
    task.slice(-10),
    ['/d/vms/X', String(UID), '64m', 'task', '1', '/d/vms/X/config.json', '--', 'sh', '-c', 'true'],
    'arguments after the setup script',
  );
  const app = sandboxArgv({ ...base, ownNetwork: false, mode: 'exec' }, ['httpd']);
  t.notOk(app.includes('--net'), "the appliance keeps the host's network (its port forward)");
  t.throws(() => sandboxArgv({ ...base, ownNetwork: true, readOnly: ['relative'] }, ['x']), /absolute/);
  t.throws(() => sandboxArgv({ ...base, ownNetwork: true, dir: '/a\nb' }, ['x']), /one line/);
});

t.test('setup status: ready, a reason, or silence', async (t) => {
  const s1 = new PassThrough();
  const p1 = awaitReady(s1, 1000);
  s1.write('rea');
  s1.write('dy\n');
  await t.resolves(p1, 'ready');
  const s2 = new PassThrough();
  const p2 = awaitReady(s2, 1000);
  s2.end('cannot mount /proc\n');
  await t.rejects(p2, /sandbox setup failed: cannot mount \/proc/, 'its reason');
  const s3 = new PassThrough();
  const p3 = awaitReady(s3, 1000);
  s3.end();
  await t.rejects(p3, /exited without a reason/, 'ended without a word');
  await t.rejects(awaitReady(new PassThrough(), 50), /timed out/, 'never answered');
});
