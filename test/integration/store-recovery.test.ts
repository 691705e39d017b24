import t from 'tap';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { tmpDir } from '../helpers/tmp.js';
import { statusOf } from '../helpers/status.js';
import { FAST, cli, startController, startToExit as exitOf, type ControllerProc } from '../helpers/procs.js';

/** A start that must fail, with the fast liveness settings the other starts here use. */
const startToExit = (dataDir: string, args: string[] = []) => exitOf(dataDir, [...FAST, ...args]);
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';

// A damaged store must not become a fresh install: the controller compares it
// with the sentinel beside it and refuses to start (admin.token untouched)
// until the operator restores a backup or accepts the loss. Also: a second
// controller on a locked data dir, and the offline break-glass token reset.

const md = (tok: string) => {
  const m = new grpc.Metadata();
  m.set('authorization', `Bearer ${tok}`);
  return m;
};

function api(ctl: ControllerProc, token = readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim()) {
  const creds = grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem')));
  const p = v1();
  const auth = new p.AuthService(ctl.address, creds);
  const hosts = new p.HostService(ctl.address, creds);
  const events = new p.EventService(ctl.address, creds);
  const m = md(token);
  return {
    auth,
    m,
    createTenant: (name: string) => unary((cb) => auth.CreateTenant({ name }, m, cb)),
    createGroup: (name: string) => unary((cb) => hosts.CreateGroup({ name }, m, cb)),
    createToken: (role: string) =>
      unary<{ token: { id: string }; secret: string }>((cb) =>
        auth.CreateToken({ kind: 'TOKEN_KIND_API', role }, m, cb as never),
      ),
    revoke: (tokenId: string) => unary((cb) => auth.RevokeToken({ tokenId }, m, cb)),
    tokens: async () =>
      (
        await unary<{ tokens: { id: string; revoked: boolean; role: string }[] }>((cb) =>
          auth.ListTokens({ pageSize: 1000, includeRevoked: true }, m, cb as never),
        )
      ).tokens,
    tenants: async () =>
      (
        await unary<{ tenants: { name: string }[] }>((cb) => auth.ListTenants({ pageSize: 100 }, m, cb as never))
      ).tenants.map((x) => x.name),
    events: async (typePrefix = '') =>
      await unary<{
        events: { seq: string; type: string; audit: boolean; severity: string; attributes: Record<string, string> }[];
        lastSeq: string;
      }>((cb) => events.ListEvents({ sinceSeq: 0, pageSize: 1000, filter: { typePrefix } }, m, cb as never)),
    close: () => [auth, hosts, events].forEach((c) => c.close()),
  };
}

/** A controller with tenants, a group, tokens and events, stopped. */
async function populated(restarts = 0): Promise<{ dataDir: string; lastSeq: number }> {
  const dataDir = tmpDir('nephele-recovery-');
  let ctl = await startController(dataDir);
  let a = api(ctl);
  for (const n of ['alpha', 'beta', 'gamma']) await a.createTenant(n);
  await a.createGroup('web');
  await a.createToken('operator');
  for (let i = 0; i < restarts; i++) {
    // A restart turns LevelDB's log into a table: later damage can hit a table.
    a.close();
    await ctl.stop();
    ctl = await startController(dataDir);
    a = api(ctl);
    await a.createTenant(`delta${i}`);
  }
  const lastSeq = Number((await a.events()).lastSeq);
  a.close();
  await ctl.stop();
  return { dataDir, lastSeq };
}

const storeFiles = (dataDir: string, ext: string) =>
  readdirSync(join(dataDir, 'store'))
    .filter((f) => f.endsWith(ext))
    .sort();

const damages: [string, number, (dataDir: string) => void][] = [
  [
    'random bytes in the log',
    0,
    (d) => {
      const log = join(d, 'store', storeFiles(d, '.log').at(-1)!);
      const fd = openSync(log, 'r+');
      writeSync(fd, randomBytes(64), 0, 64, Math.min(100, statSync(log).size - 64));
      closeSync(fd);
    },
  ],
  [
    'the log truncated',
    0,
    (d) => {
      const log = join(d, 'store', storeFiles(d, '.log').at(-1)!);
      truncateSync(log, Math.floor(statSync(log).size / 2));
    },
  ],
  ['the newest table deleted', 1, (d) => rmSync(join(d, 'store', storeFiles(d, '.ldb').at(-1)!))],
  [
    'the store replaced by an empty one',
    0,
    (d) => {
      rmSync(join(d, 'store'), { recursive: true });
      mkdirSync(join(d, 'store'));
    },
  ],
];

for (const [i, [what, restarts, damage]] of damages.entries()) {
  t.test(`damaged store (${what}): refuses to start, admin.token untouched; --accept-store-loss starts`, async (t) => {
    const { dataDir, lastSeq } = await populated(restarts);
    const tokenFile = join(dataDir, 'admin.token');
    const tokenBytes = readFileSync(tokenFile);
    const tokenMtime = statSync(tokenFile).mtimeMs;
    damage(dataDir);

    // Once is enough to show that a refused start heals nothing by itself.
    for (const attempt of i === 0 ? ['first', 'second'] : ['first']) {
      const r = await startToExit(dataDir);
      t.not(r.code, 0, `${attempt} start: exits non-zero`);
      t.match(r.out, /nephele: refusing to start: /, `${attempt} start: refuses`);
      t.match(r.out, /restore .*store.* from a backup/, 'tells the operator to restore');
      t.match(r.out, /--accept-store-loss/, 'names the flag that accepts the loss');
      t.notMatch(r.out, /\n\s+at /, 'no stack dump');
      t.notMatch(r.out, /nephele controller ready/, 'never served');
      t.same(readFileSync(tokenFile), tokenBytes, 'admin.token: same bytes');
      t.equal(statSync(tokenFile).mtimeMs, tokenMtime, 'admin.token: same mtime');
    }

    const ctl = await startController(dataDir, { args: [...FAST, '--accept-store-loss'] });
    t.teardown(() => ctl.kill());
    const a = api(ctl);
    t.teardown(() => a.close());
    t.ok(Array.isArray(await a.tenants()), 'serves with admin.token (kept, or a new one beside the old)');
    const kept = readdirSync(dataDir).filter((f) => f.startsWith('admin.token.before-store-loss-'));
    if (kept.length)
      t.same(readFileSync(join(dataDir, kept[0]!)), tokenBytes, 'the old admin.token is kept beside the new one');
    else t.same(readFileSync(tokenFile), tokenBytes, 'admin.token kept (its token survived)');
    const ev = await a.events('store.loss_accepted');
    t.equal(ev.events.length, 1, 'the accepted loss is an event');
    t.ok(
      Number(ev.events[0]!.seq) > lastSeq,
      `sequence numbers go on after the sentinel's (${ev.events[0]!.seq} > ${lastSeq})`,
    );
    if (i > 0) return;
    await ctl.stop();
    const again = await startController(dataDir);
    t.teardown(() => again.kill());
    t.pass('the next start needs no flag: the sentinel was re-initialised');
  });
}

t.test('a second controller on a locked data dir says the dir is in use', async (t) => {
  const dataDir = tmpDir('nephele-lock-');
  const ctl = await startController(dataDir);
  t.teardown(() => ctl.kill());
  const r = await startToExit(dataDir);
  t.not(r.code, 0, 'exits non-zero');
  t.match(
    r.out,
    new RegExp(`nephele: data dir ${dataDir} is in use by another controller \\(pid ${ctl.proc.pid}`),
    `says so (${r.out.trim().split('\n').at(-1)})`,
  );
  t.notMatch(r.out, /Database failed to open|\n\s+at /, 'no bare LevelDB message, no stack dump');
  const a = api(ctl);
  t.teardown(() => a.close());
  t.ok((await a.tenants()).includes('default'), 'the first one goes on serving');
});

t.test(
  'break-glass: admin-token reset refuses while the controller runs; offline it issues a working admin token',
  async (t) => {
    const dataDir = tmpDir('nephele-breakglass-');
    let ctl = await startController(dataDir);
    const boot = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    let a = api(ctl);
    const second = await a.createToken('admin');
    const op = await a.createToken('operator');
    const bootId = boot.split('.')[0]!;
    await a.revoke(op.token.id);
    a.close();
    // The bootstrap token is revoked, and the only admin left is one whose secret is lost.
    a = api(ctl, second.secret);
    await a.revoke(bootId);
    a.close();

    const running = await cli(['admin-token', 'reset', '--data-dir', dataDir]);
    t.not(running.code, 0, 'refused while the controller runs');
    t.match(
      running.stderr,
      /in use by another controller[\s\S]*only while the controller is stopped/,
      `says so (${running.stderr.trim()})`,
    );
    t.equal(readFileSync(join(dataDir, 'admin.token'), 'utf8').trim(), boot, 'admin.token untouched');

    await ctl.stop();
    const r = await cli(['admin-token', 'reset', '--data-dir', dataDir]);
    t.equal(r.code, 0, `offline reset succeeds (${r.stderr.trim()})`);
    t.match(r.stdout, new RegExp(`written to ${join(dataDir, 'admin.token')}`), 'says where');
    t.equal(statSync(join(dataDir, 'admin.token')).mode & 0o777, 0o600, 'admin.token is 0600');
    const fresh = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
    t.not(fresh, boot, 'a new token');

    ctl = await startController(dataDir);
    t.teardown(() => ctl.kill());
    a = api(ctl, fresh);
    t.teardown(() => a.close());
    const tokens = await a.tokens();
    t.ok(
      tokens.find((x) => x.id === fresh.split('.')[0])?.role === 'admin',
      'the new token is an admin token and works',
    );
    for (const [name, id] of [
      ['bootstrap', bootId],
      ['operator', op.token.id],
    ] as const) {
      t.equal(tokens.find((x) => x.id === id)?.revoked, true, `${name} token stays revoked`);
    }
    const old = api(ctl, boot);
    t.equal(
      (await statusOf(old.tenants())).code,
      grpc.status.UNAUTHENTICATED,
      'the revoked bootstrap token is still refused',
    );
    old.close();
    const ev = (await a.events('token.break_glass')).events;
    t.equal(ev.length, 1, 'the reset is an event');
    t.equal(ev[0]?.audit, true, 'an audit event');
    t.equal(ev[0]?.severity, 'warning');
    t.equal(ev[0]?.attributes.token_id, fresh.split('.')[0], 'naming the new token');
  },
);
