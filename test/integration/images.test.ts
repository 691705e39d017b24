// The image store through the real CLI and a real controller (issue 13): import
// a qcow2, list, show, download it back checked, lineage, revoke; hostile
// uploads (backing file naming a host file, json: backing, external data file,
// lying sizes, bad sha256, truncated streams, a format in disguise) are refused
// with INVALID_ARGUMENT naming the field and leave no record and no blob;
// another tenant's image is NOT_FOUND, and the `images` quota holds.
import t from 'tap';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { statusOf } from '../helpers/status.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, startController, type ControllerProc } from '../helpers/procs.js';
import { agentClient } from '../helpers/fake-agent.js';
import type { UploadImageResponse__Output } from '../../common/gen/nephele/v1/UploadImageResponse.js';

t.setTimeout(300_000);
const dir = tmpDir();
let ctl: ControllerProc;
t.before(async () => {
  ctl = await startController(join(dir, 'ctl'));
});
t.teardown(() => ctl?.kill());

const base = () => ['--controller', ctl.address, '--data-dir', ctl.dataDir];
const run = (...args: string[]) => cli([...base(), ...args]);
const img = (...args: string[]) => execFileSync('qemu-img', args, { stdio: 'pipe' });
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
/** The store's files: blobs by sha256, and what is staged. */
const blobs = () =>
  readdirSync(join(ctl.dataDir, 'images'))
    .filter((f) => f !== 'staging')
    .sort();
const staged = () => readdirSync(join(ctl.dataDir, 'images', 'staging'));

t.test('import, list, show, download, lineage and revoke through the CLI', async (t) => {
  const file = join(dir, 'golden.qcow2');
  img('create', '-q', '-f', 'qcow2', file, '16M');
  const imp = await run('-o', 'json', 'image', 'import', file, '--name', 'golden', '--memory', '256M');
  t.equal(imp.code, 0, imp.stderr);
  t.equal(imp.stderr, '');
  const image = JSON.parse(imp.stdout) as { id: string; sha256: string; format: string; state: string };
  t.match(image, { sha256: sha(file), format: 'IMAGE_FORMAT_QCOW2', state: 'IMAGE_STATE_ACTIVE' });
  t.same(blobs(), [image.sha256], 'the blob is kept under its sha256');
  t.same(staged(), [], 'nothing left staged');

  const ls = await run('image', 'ls');
  t.equal(ls.code, 0, ls.stderr);
  t.match(ls.stdout, /^ *ID +NAME +FORMAT +SIZE +STATE/);
  t.match(ls.stdout, new RegExp(`${image.id} +golden +qcow2 +\\S+ +active`));
  const show = await run('image', 'show', image.id);
  t.equal(show.code, 0, show.stderr);
  t.match(show.stdout, new RegExp(`SHA-256: +${image.sha256}`));

  const out = join(dir, 'back.qcow2');
  const dl = await run('image', 'download', image.id, out);
  t.equal(dl.code, 0, dl.stderr);
  t.match(dl.stdout, /sha256 checked/);
  t.equal(sha(out), image.sha256, 'downloaded bytes are the image');

  const lin = await run('image', 'lineage', image.id);
  t.equal(lin.code, 0, lin.stderr);
  t.match(lin.stdout, new RegExp(`^${image.id} golden \\(active\\)`));

  const rev = await run('-o', 'json', 'image', 'revoke', image.id, '--reason', 'cve');
  t.equal(rev.code, 0, rev.stderr);
  t.match(JSON.parse(rev.stdout), { image: { state: 'IMAGE_STATE_REVOKED', revokeReason: 'cve' }, flaggedVmIds: [] });
  t.notMatch((await run('image', 'ls')).stdout, image.id, 'revoked images are not listed by default');
  t.match((await run('image', 'ls', '--include-revoked')).stdout, new RegExp(`${image.id} .* revoked`));
  t.same(blobs(), [image.sha256], 'a revoked image keeps its blob (running clones need it)');
});

t.test('hostile qcow2 uploads are refused, leaving no record and no blob', async (t) => {
  const before = blobs();
  const secret = join(dir, 'host-secret');
  writeFileSync(secret, 'TOP SECRET\n');
  // `qemu-img create` options of each hostile disk, and its size (the backing one takes the host file's).
  const json = `json:{"driver":"file","filename":"${secret}"}`;
  const cases: [string, string[], string[], RegExp][] = [
    ['backing', ['-F', 'raw', '-b', secret], [], /backing file/],
    ['json', ['-u', '-F', 'raw', '-b', json], ['16M'], /json:/],
    ['datafile', ['-o', `data_file=${join(dir, 'data.raw')}`], ['16M'], /data file/],
  ];
  for (const [name, opts, size, why] of cases) {
    const file = join(dir, `${name}.qcow2`);
    img('create', '-q', '-f', 'qcow2', ...opts, file, ...size);
    const r = await run('image', 'import', file, '--name', name);
    t.equal(r.code, 1, `${name}: refused`);
    t.equal(r.stdout, '', `${name}: nothing on stdout`);
    t.match(r.stderr, /INVALID_ARGUMENT|invalid argument/i, name);
    t.match(r.stderr, why, name);
  }
  t.same(blobs(), before, 'no blob from a refused upload');
  t.same(staged(), [], 'nothing staged');
  const ls = await run('-o', 'json', 'image', 'ls', '--include-revoked');
  t.same((JSON.parse(ls.stdout) as { name: string }[]).map((i) => i.name).sort(), ['golden']);
});

t.test(
  'process images (tar): an appliance layout is taken; a token, a link or a foreign file is refused',
  async (t) => {
    const before = blobs();
    const tarOf = (name: string, make: (d: string) => void) => {
      const d = join(dir, `${name}-src`);
      mkdirSync(join(d, 'data'), { recursive: true });
      writeFileSync(join(d, 'config.json'), '{"title":"Imported"}');
      make(d);
      const file = join(dir, `${name}.tar`);
      execFileSync('tar', ['-C', d, '-cf', file, '.']);
      return file;
    };
    const good = tarOf('appliance', (d) => writeFileSync(join(d, 'data', 'page.txt'), 'hello'));
    const ok = await run('-o', 'json', 'image', 'import', good, '--name', 'appliance', '--memory', '64M');
    t.equal(ok.code, 0, ok.stderr);
    t.match(JSON.parse(ok.stdout), { format: 'IMAGE_FORMAT_TAR', scheme: 'process', sha256: sha(good) });
    const cases: [string, (d: string) => void, RegExp][] = [
      ['with-token', (d) => writeFileSync(join(d, 'token'), 'a-management-token-0123'), /token/],
      ['with-link', (d) => symlinkSync('/etc/shadow', join(d, 'data', 'shadow')), /link/],
      ['with-uid', (d) => writeFileSync(join(d, 'uid'), '0'), /uid/],
    ];
    for (const [name, make, why] of cases) {
      const r = await run('image', 'import', tarOf(name, make), '--name', name);
      t.equal(r.code, 1, `${name}: refused`);
      t.equal(r.stdout, '', `${name}: nothing on stdout`);
      t.match(r.stderr, /INVALID_ARGUMENT|invalid argument/i, `${name}: invalid argument`);
      t.match(r.stderr, why, `${name}: the reason`);
    }
    t.same(blobs(), [...before, JSON.parse(ok.stdout).sha256].sort(), 'only the good image left a blob');
    t.same(staged(), [], 'nothing staged');
  },
);

t.test('lying uploads over the API: size, sha256, truncation, format', async (t) => {
  const a = ctl.admin();
  t.teardown(() => a.close());
  const raw = Buffer.alloc(64 * 1024, 7);
  const goodSha = createHash('sha256').update(raw).digest('hex');
  const meta = (o: Record<string, unknown> = {}) => ({
    name: 'liar',
    format: 'IMAGE_FORMAT_RAW',
    scheme: 'qemu',
    sizeBytes: raw.length,
    spec: { scheme: 'qemu', vcpus: 1, memoryMib: 128 },
    ...o,
  });
  const send = (chunks: Record<string, unknown>[], end = true) =>
    new Promise<UploadImageResponse__Output>((resolve, reject) => {
      const call = a.tokens.UploadImage(a.metadata(), (err, r) => (err ? reject(err) : resolve(r!)));
      for (const c of chunks) call.write(c);
      if (end) call.end();
    });
  const refused = async (what: string, chunks: Record<string, unknown>[], field: RegExp) => {
    const st = await statusOf(send(chunks));
    t.equal(st.code, 3, `${what}: INVALID_ARGUMENT`);
    t.match(st.details, field, `${what}: names the field`);
  };
  await refused('bad sha256', [{ meta: meta(), data: raw, offset: 0, last: true, sha256: '0'.repeat(64) }], /^sha256/);
  // A scheme named like an Object property is an unknown scheme, not a crash (found by the fuzz test).
  for (const scheme of ['constructor', '__proto__', 'toString'])
    await refused(
      `scheme ${scheme}`,
      [{ meta: meta({ scheme, format: 'IMAGE_FORMAT_UNSPECIFIED' }), data: raw }],
      /^meta\.scheme/,
    );
  await refused(
    'more than announced',
    [{ meta: meta({ sizeBytes: 1000 }), data: raw, offset: 0, last: true, sha256: goodSha }],
    /^data/,
  );
  await refused(
    'less than announced',
    [{ meta: meta({ sizeBytes: raw.length * 2 }), data: raw, offset: 0, last: true, sha256: goodSha }],
    /^meta\.size_bytes/,
  );
  await refused('truncated', [{ meta: meta(), data: raw.subarray(0, 1000), offset: 0 }], /^last/);
  await refused(
    'a gap',
    [
      { meta: meta(), data: raw.subarray(0, 1000), offset: 0 },
      { data: raw.subarray(1000), offset: 2000 },
    ],
    /^offset/,
  );
  await refused('no meta', [{ data: raw, offset: 0, last: true, sha256: goodSha }], /^meta/);
  await refused(
    'oversize',
    [{ meta: meta({ sizeBytes: 2 ** 50 }), data: raw, offset: 0, last: true, sha256: goodSha }],
    /^meta\.size_bytes/,
  );
  await refused(
    'wrong format for the scheme',
    [{ meta: meta({ format: 'IMAGE_FORMAT_TAR' }), data: raw, offset: 0, last: true, sha256: goodSha }],
    /^meta\.format/,
  );
  const q = join(dir, 'disguised.qcow2');
  img('create', '-q', '-f', 'qcow2', q, '16M');
  const qb = readFileSync(q);
  await refused(
    'a qcow2 declared raw',
    [
      {
        meta: meta({ sizeBytes: qb.length }),
        data: qb,
        offset: 0,
        last: true,
        sha256: createHash('sha256').update(qb).digest('hex'),
      },
    ],
    /^format/,
  );
  t.same(staged(), [], 'nothing staged after refusals');
  const ok = await send([{ meta: meta(), data: raw, offset: 0, last: true, sha256: goodSha }]);
  t.match(ok.image, { sha256: goodSha, format: 'IMAGE_FORMAT_RAW' }, 'an honest raw disk is taken');
});

t.test('tenants see only their own images; the images quota holds', async (t) => {
  t.equal((await run('tenant', 'create', 'acme', '--images', '1')).code, 0);
  const tok = await run('-q', 'token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'acme');
  t.equal(tok.code, 0, tok.stderr);
  const asAcme = (...args: string[]) => cli([...base(), '--token', tok.stdout.trim(), ...args]);
  const adminImages = JSON.parse((await run('-o', 'json', 'image', 'ls', '--include-revoked')).stdout) as {
    id: string;
  }[];
  const file = join(dir, 'acme.qcow2');
  img('create', '-q', '-f', 'qcow2', file, '8M');
  const mine = await asAcme('-q', 'image', 'import', file, '--name', 'acme-one');
  t.equal(mine.code, 0, mine.stderr);
  const mineId = mine.stdout.trim();
  const ls = JSON.parse((await asAcme('-o', 'json', 'image', 'ls', '--include-revoked')).stdout) as {
    id: string;
    tenant: string;
  }[];
  t.same(
    ls.map((i) => i.id),
    [mineId],
    'acme lists only its own image',
  );
  for (const other of adminImages) {
    for (const args of [
      ['image', 'show', other.id],
      ['image', 'lineage', other.id],
      ['image', 'revoke', other.id],
      ['image', 'download', other.id, join(dir, 'stolen')],
    ]) {
      const r = await asAcme(...args);
      t.equal(r.code, 1, `${args[1]}: refused`);
      t.match(r.stderr, /NOT_FOUND|not found/i, `${args[1]}: another tenant's image does not exist`);
    }
  }
  const again = await asAcme('image', 'import', file, '--name', 'acme-two');
  t.equal(again.code, 1);
  t.match(again.stderr, /RESOURCE_EXHAUSTED|quota images/i, 'over the images quota');
  const blobCount = blobs().length;
  t.equal(staged().length, 0);
  t.equal(blobs().length, blobCount, 'the refused upload left no blob');
});

t.test('kill -9 of the controller mid-upload: after the restart no record, no staged file, no blob', async (t) => {
  const before = blobs();
  const a = ctl.admin();
  const data = Buffer.alloc(2 * 1024 * 1024, 9);
  const call = a.tokens.UploadImage(a.metadata(), () => undefined);
  call.on('error', () => undefined);
  call.write({
    meta: {
      name: 'crash',
      format: 'IMAGE_FORMAT_RAW',
      scheme: 'qemu',
      sizeBytes: data.length,
      spec: { scheme: 'qemu', vcpus: 1, memoryMib: 128 },
    },
    data: data.subarray(0, 1024 * 1024),
    offset: 0,
  });
  await waitFor(() => staged().length > 0, { message: 'the upload is being staged' });
  await ctl.kill();
  a.close();
  ctl = await startController(ctl.dataDir);
  t.same(staged(), [], 'the half upload was swept at start');
  t.same(blobs(), before, 'no blob from it');
  const ls = await run('-o', 'json', 'image', 'ls', '--include-revoked');
  t.equal(ls.code, 0, ls.stderr);
  t.notOk(
    (JSON.parse(ls.stdout) as { name: string }[]).some((i) => i.name === 'crash'),
    'no record',
  );
});

t.test(
  'agents: FetchImage only for a base a VM of theirs is cloned from; PutImage only when a capture waits',
  async (t) => {
    const ls = JSON.parse((await run('-o', 'json', 'image', 'ls', '--include-revoked')).stdout) as { sha256: string }[];
    t.ok(ls.length > 0 && blobs().includes(ls[0]!.sha256), 'a stored blob to ask for');
    const { client } = await agentClient(ctl, await joinToken(ctl), 'image-thief');
    t.teardown(() => client.close());
    const fetch = (sha256: string) =>
      new Promise<number>((resolve, reject) => {
        let n = 0;
        const s = client.FetchImage({ sha256 });
        s.on('data', (c: { data: Buffer }) => (n += c.data.length));
        s.on('end', () => resolve(n));
        s.on('error', reject);
      });
    const st = await statusOf(fetch(ls[0]!.sha256));
    t.equal(st.code, 5, 'NOT_FOUND: no VM of this host is a clone of it, though the blob is stored');
    t.equal((await statusOf(fetch('../../etc/passwd'))).code, 5);
    const put = (chunk: Record<string, unknown>) =>
      new Promise((resolve, reject) => {
        const call = client.PutImage((err, r) => (err ? reject(err) : resolve(r)));
        call.write(chunk);
        call.end();
      });
    const data = Buffer.from('x');
    const sha256 = createHash('sha256').update(data).digest('hex');
    const unexpected = await statusOf(
      put({ transferId: '01HZZZZZZZZZZZZZZZZZZZZZZZ', data, offset: 0, last: true, sha256 }),
    );
    t.equal(unexpected.code, 5, 'NOT_FOUND: no capture waits for this transfer');
    const noId = await statusOf(put({ transferId: '../x', data, offset: 0, last: true, sha256 }));
    t.equal(noId.code, 3);
    t.match(noId.details, /^transfer_id/);
    t.same(staged(), [], 'nothing staged');
  },
);
