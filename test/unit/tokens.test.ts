// Join and API tokens: single use, expiry, revocation, races, secrets never stored.
import t from 'tap';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenStore, TOKENS, JOIN_PREFIX } from '../../controller/auth/tokens.js';
import { tokenToProto as publicToken } from '../../common/grpc/convert.js';
import type { TokenKind as TokenKindName } from '../../common/model/enums.js';
import { EventLog, EVENTS, REQUESTS } from '../../controller/events/log.js';
import { callContext } from '../../controller/context.js';
import { LevelStore, put } from '../../common/store/index.js';
import { ConflictError, NotFoundError, UnauthenticatedError } from '../../common/errors.js';
import { FakeClock } from '../../common/clock.js';
import { ULID_RE } from '../../common/ids.js';
import { silentLogger } from '../../common/logger.js';
import { tmpDir } from '../helpers/tmp.js';

const PIN = 'q9Zx-_pinPIN0123456789abcdefghijklmnopqrstu';
const HOUR = 3_600_000;

async function setup(t: { teardown(fn: () => unknown): void }, dataDir?: string) {
  const dir = dataDir ?? tmpDir('nephele-tokens-');
  mkdirSync(join(dir, 'pki'), { recursive: true });
  const store = await LevelStore.open(join(dir, 'db'));
  const clock = new FakeClock();
  const events = await EventLog.open(store, clock, silentLogger);
  const tokens = new TokenStore(store, events, clock, dir, PIN);
  t.teardown(() => store.close());
  return { dir, store, clock, events, tokens };
}

const mk = (tokens: TokenStore, kind: TokenKindName, ttlMs = HOUR, extra: { description?: string } = {}) =>
  tokens.create({ kind, ttlMs, description: extra.description ?? `a ${kind}`, createdBy: 'admin' });

/** Resolves to the error a promise rejects with (or fails the test). */
async function errorOf(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

/** Prepares and commits a join, as enrolment does. */
async function join1(tokens: TokenStore, events: EventLog, secret: string, hostId: string) {
  const { ops, pre, rec } = await tokens.prepareJoin(secret, hostId);
  await events.commit({
    ops: [...ops, put('hosts', hostId, { id: hostId })],
    preconditions: [pre],
    events: [{ type: 'host.enrolled', message: 'x' }],
  });
  return rec;
}

t.test('create: record shape and bearer format', async (t) => {
  const { tokens, clock, store, events } = await setup(t);
  const { token, secret } = await mk(tokens, 'join', HOUR, { description: 'rack 7' });
  t.match(token.id, ULID_RE);
  t.match(token, {
    kind: 'join',
    description: 'rack 7',
    createdUnixMs: clock.now(),
    expiresUnixMs: clock.now() + HOUR,
    revoked: false,
    usedUnixMs: 0,
    usedByHost: '',
    createdBy: 'admin',
  });
  t.equal(token.hostKind, undefined, 'no host kind: the agent says');
  const parts = secret.split('.');
  t.equal(parts.length, 4);
  t.equal(parts[0], JOIN_PREFIX);
  t.equal(parts[1], PIN, 'join token carries the CA pin');
  t.equal(parts[2], token.id);
  t.ok(parts[3]!.length >= 40, 'secret has real entropy');

  const api = await mk(tokens, 'api', 0);
  t.equal(api.token.expiresUnixMs, 0, 'ttl 0 → never expires');
  t.match(api.secret, new RegExp(`^${api.token.id}\\.[A-Za-z0-9_-]{40,}$`), 'API bearer is <id>.<secret>');
  t.notOk('secretHash' in publicToken(api.token), 'public form drops the hash');

  t.same((await store.get(TOKENS, token.id))?.version, 1);
  t.same(
    (await events.list(0, 10)).events.map((e) => e.type),
    ['token.created', 'token.created'],
  );
  t.equal(await tokens.hasAny(), true);
});

t.test('join token works once, then "already used"', async (t) => {
  const { tokens, events, store, clock } = await setup(t);
  const { token, secret } = await mk(tokens, 'join');

  // Preparing is side-effect free: it consumes nothing until committed.
  await tokens.prepareJoin(secret, 'h0');
  await tokens.prepareJoin(secret, 'h0');

  clock.advance(1000);
  const rec = await join1(tokens, events, secret, 'h1');
  t.equal(rec.id, token.id);
  t.match(
    (await store.get(TOKENS, token.id))?.value,
    { usedByHost: 'h1', usedUnixMs: clock.now() },
    'recorded as used by h1',
  );

  const e = await errorOf(tokens.prepareJoin(secret, 'h2'));
  t.type(e, UnauthenticatedError);
  t.equal(e.code, 'UNAUTHENTICATED');
  t.match(e.message, /already used/);
  t.equal(await store.get('hosts', 'h2'), undefined);
});

t.test('a stale prepareJoin cannot be committed after the token was used', async (t) => {
  const { tokens, events } = await setup(t);
  const { secret } = await mk(tokens, 'join');
  const a = await tokens.prepareJoin(secret, 'ha');
  const b = await tokens.prepareJoin(secret, 'hb');
  await events.commit({ ops: a.ops, preconditions: [a.pre] });
  t.type(await errorOf(events.commit({ ops: b.ops, preconditions: [b.pre] })), ConflictError);
});

t.test('two concurrent joins with one token: exactly one commits', async (t) => {
  const { tokens, events, store } = await setup(t);
  const { token, secret } = await mk(tokens, 'join');
  const N = 8;
  const rs = await Promise.allSettled(Array.from({ length: N }, (_, i) => join1(tokens, events, secret, `h${i}`)));
  const won = rs.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
  t.equal(won.length, 1, 'exactly one enrolment');
  for (const r of rs)
    if (r.status === 'rejected')
      t.ok(
        r.reason instanceof ConflictError || r.reason instanceof UnauthenticatedError,
        `loser fails cleanly: ${(r.reason as Error).message}`,
      );
  let hosts = 0;
  for await (const _ of store.scan('hosts')) hosts++;
  t.equal(hosts, 1, 'one host record');
  t.equal((await store.get<{ usedByHost: string }>(TOKENS, token.id))?.value.usedByHost, `h${won[0]}`);
});

t.test('join token: expired, revoked, wrong secret, garbage, wrong kind', async (t) => {
  const { tokens, events, clock } = await setup(t);

  const exp = await mk(tokens, 'join', 10_000);
  clock.advance(9_999);
  await tokens.prepareJoin(exp.secret, 'h'); // still valid
  clock.advance(1);
  let e = await errorOf(tokens.prepareJoin(exp.secret, 'h'));
  t.equal(e.code, 'UNAUTHENTICATED');
  t.match(e.message, /expired/, 'refused at its expiry time');
  clock.advance(HOUR);
  t.match((await errorOf(tokens.prepareJoin(exp.secret, 'h'))).message, /expired/);

  const forever = await mk(tokens, 'join', 0);
  clock.advance(1000 * 86_400_000);
  await tokens.prepareJoin(forever.secret, 'h');

  const rev = await mk(tokens, 'join');
  const revoked = await tokens.revoke(rev.token.id);
  t.equal(revoked.revoked, true);
  e = await errorOf(tokens.prepareJoin(rev.secret, 'h'));
  t.type(e, UnauthenticatedError);
  t.match(e.message, /revoked/);
  t.equal((await tokens.revoke(rev.token.id)).revoked, true, 'revoking twice is fine');

  const good = await mk(tokens, 'join');
  const other = await mk(tokens, 'join');
  const [pfx, pin, id, sec] = good.secret.split('.') as [string, string, string, string];
  const otherSecret = other.secret.split('.')[3]!;
  const flipped = sec.slice(0, -1) + (sec.endsWith('A') ? 'B' : 'A');
  for (const [what, s] of [
    ['one character changed', `${pfx}.${pin}.${id}.${flipped}`],
    ["another token's secret", `${pfx}.${pin}.${id}.${otherSecret}`],
    ['unknown id', `${pfx}.${pin}.${other.token.id.slice(0, -1)}Z.${sec}`],
    ['the api form of the hash input', `${id}.${id}`],
  ] as const) {
    const err = await errorOf(tokens.prepareJoin(s, 'h'));
    t.equal(err.code, 'UNAUTHENTICATED', what);
    t.match(err.message, /invalid join token/, what);
  }
  for (const s of [
    '',
    'garbage',
    'nj1.x.y',
    `nj1.${pin}.${id}`,
    `nj1.${pin}.${id}.`,
    `nj1.${pin}.not-an-id.${sec}`,
    `xx1.${pin}.${id}.${sec}`,
    `${id}.${sec}.extra`,
    '.'.repeat(3),
    '\u0000',
  ]) {
    const err = await errorOf(tokens.prepareJoin(s, 'h'));
    t.type(err, UnauthenticatedError, `garbage ${JSON.stringify(s)} refused`);
  }

  // An API token is not a join token.
  const api = await mk(tokens, 'api');
  t.match((await errorOf(tokens.prepareJoin(api.secret, 'h'))).message, /invalid join token/);

  // The good token still works after all that.
  await join1(tokens, events, good.secret, 'h-good');
  // The pin is checked by agents, not here: the id + secret is what counts.
  const g2 = await mk(tokens, 'join');
  const [, , id2, sec2] = g2.secret.split('.');
  await join1(tokens, events, `${id2}.${sec2}`, 'h-nopin');
  t.pass('join accepted without the pin prefix');
});

t.test('API tokens: verify, revoke, expiry, wrong kind, wrong secret', async (t) => {
  const { tokens, clock } = await setup(t);
  const api = await mk(tokens, 'api', HOUR);
  const rec = await tokens.verifyApi(api.secret);
  t.equal(rec.id, api.token.id);
  t.equal((await tokens.verifyApi(`  ${api.secret}\n`)).id, api.token.id, 'surrounding whitespace is ignored');
  await tokens.verifyApi(api.secret); // now cached

  // Wrong secret refused, even while the record is cached.
  const [id, sec] = api.secret.split('.') as [string, string];
  const flipped = sec.slice(0, -1) + (sec.endsWith('A') ? 'B' : 'A');
  let e = await errorOf(tokens.verifyApi(`${id}.${flipped}`));
  t.equal(e.code, 'UNAUTHENTICATED');
  t.match(e.message, /invalid API token/);
  t.equal((await tokens.verifyApi(api.secret)).id, id, 'still fine with the right secret');

  // Garbage.
  for (const s of ['', 'x', 'a.b', `${id}.`, `${id}`, `nj1.${PIN}.${id}`])
    t.equal((await errorOf(tokens.verifyApi(s))).code, 'UNAUTHENTICATED', `garbage ${JSON.stringify(s)}`);

  // A join token, in either form, is not an API token.
  const j = await mk(tokens, 'join');
  e = await errorOf(tokens.verifyApi(j.secret));
  t.equal(e.code, 'UNAUTHENTICATED', 'join token refused as API token');
  const [, , jid, jsec] = j.secret.split('.');
  t.equal(
    (await errorOf(tokens.verifyApi(`${jid}.${jsec}`))).code,
    'UNAUTHENTICATED',
    'bare join id.secret refused too',
  );

  // Revoked: refused on the very next call, though it was cached.
  await tokens.revoke(id);
  e = await errorOf(tokens.verifyApi(api.secret));
  t.type(e, UnauthenticatedError, 'revoked → refused at once');

  // Expiry, also through the cache.
  const short = await mk(tokens, 'api', 60_000);
  await tokens.verifyApi(short.secret);
  clock.advance(59_999);
  await tokens.verifyApi(short.secret);
  clock.advance(1);
  e = await errorOf(tokens.verifyApi(short.secret));
  t.equal(e.code, 'UNAUTHENTICATED');
  t.equal((e as UnauthenticatedError).reason, 'token expired', 'the real reason is kept for the log');
  // Expired, revoked and unknown tokens get one answer: none confirms that a token id exists.
  const unknown = await errorOf(tokens.verifyApi(`01ARZ3NDEKTSV4RRFFQ69G5FAV.${short.secret.split('.')[1]}`));
  const revoked = await errorOf(tokens.verifyApi(api.secret));
  t.same([e.code, e.message], [unknown.code, unknown.message], 'expired is answered like an unknown token');
  t.same([revoked.code, revoked.message], [unknown.code, unknown.message], 'and so is a revoked one');
  t.equal(e.message, 'invalid API token');

  const forever = await mk(tokens, 'api', 0);
  clock.advance(10_000 * 86_400_000);
  t.equal((await tokens.verifyApi(forever.secret)).id, forever.token.id, 'ttl 0 never expires');
});

t.test('revoke racing with verifyApi: the token is refused once revoke returns', async (t) => {
  const { tokens } = await setup(t);
  const api = await mk(tokens, 'api', HOUR);
  await tokens.verifyApi(api.secret); // cached
  // Requests keep arriving while the revocation is in flight.
  let done = false;
  const hammer = (async () => {
    while (!done) {
      await tokens.verifyApi(api.secret).catch(() => {});
      await new Promise((r) => setImmediate(r));
    }
  })();
  const revoked = tokens.revoke(api.token.id).finally(() => (done = true));
  await revoked;
  await hammer;
  const e = await errorOf(tokens.verifyApi(api.secret)).catch((x: Error & { code?: string }) => x);
  t.equal(e.code, 'UNAUTHENTICATED', 'a revoked token is refused after revoke() resolved');
});

t.test('revoke racing with verifyApi (deterministic interleaving)', async (t) => {
  const { tokens, store } = await setup(t);
  const api = await mk(tokens, 'api', HOUR);
  // Slow the revocation write down so a verifyApi lands between the cache
  // eviction and the write: it reads the still-unrevoked record and caches it.
  const realBatch = store.batch.bind(store);
  let verifyDuringWrite: Promise<unknown> | undefined;
  store.batch = async (ops, pre) => {
    if (ops.some((o) => o.coll === TOKENS && o.type === 'put' && (o.value as { revoked?: boolean }).revoked)) {
      verifyDuringWrite = tokens.verifyApi(api.secret).catch(() => {});
      await verifyDuringWrite;
    }
    return realBatch(ops, pre);
  };
  await tokens.revoke(api.token.id);
  store.batch = realBatch;
  t.ok(verifyDuringWrite, 'a verify ran while the revocation was being written');
  const e = await errorOf(tokens.verifyApi(api.secret)).catch((x: Error & { code?: string }) => x);
  t.equal(e.code, 'UNAUTHENTICATED', 'revoked token refused after revoke() resolved');
});

t.test('secrets are never stored', async (t) => {
  const { tokens, store, dir } = await setup(t);
  const made = [await mk(tokens, 'join'), await mk(tokens, 'api'), await mk(tokens, 'api', 0)];
  await tokens.revoke(made[1]!.token.id);
  await callContext.run({ rpc: 'CreateToken', actor: 'admin', peer: 'p', requestId: 'req-1' }, () =>
    mk(tokens, 'join'),
  );
  const raw: string[] = [];
  for (const coll of [TOKENS, EVENTS, REQUESTS, 'meta'])
    for await (const e of store.scan(coll)) raw.push(`${e.key}=${JSON.stringify(e.value)}`);
  const dump = raw.join('\n');
  t.ok(raw.filter((r) => r.includes('secretHash')).length >= 3, 'token records are there');
  for (const { secret, token } of made) {
    const s = secret.split('.').at(-1)!;
    t.notOk(dump.includes(s), `secret of ${token.kind} not stored`);
    t.notOk(dump.includes(secret), 'nor the bearer string');
  }

  // And not anywhere on disk, in any collection: read LevelDB's raw files.
  await store.close();
  const raw2 = readdirSync(join(dir, 'db'))
    .map((f) => readFileSync(join(dir, 'db', f)).toString('latin1'))
    .join('\n');
  t.ok(raw2.includes(made[0]!.token.id), 'control: the token ids are in the raw files');
  for (const { secret } of made)
    t.notOk(raw2.includes(secret.split('.').at(-1)!), 'secret not in the raw database files');
});

t.test('bearerFor / replay give back the same secret; key persists in the data dir', async (t) => {
  const { tokens, dir, store, events, clock } = await setup(t);
  const j = await mk(tokens, 'join');
  const a = await mk(tokens, 'api');
  t.equal(tokens.bearerFor(j.token), j.secret);
  t.equal(tokens.bearerFor(a.token), a.secret);
  t.equal((await tokens.replay(j.token.id, 'admin')).secret, j.secret);
  t.equal((await tokens.replay(a.token.id, 'admin')).secret, a.secret);
  t.not(j.secret.split('.')[3], a.secret.split('.')[1], 'different tokens, different secrets');

  // Same data dir (restart): the same key, so replays still match and tokens still verify.
  const again = new TokenStore(store, events, clock, dir, PIN);
  t.equal((await again.replay(a.token.id, 'admin')).secret, a.secret);
  t.equal((await again.verifyApi(a.secret)).id, a.token.id);

  // Another data dir has another key: the same id gives another secret.
  const dir2 = tmpDir('nephele-tokens-');
  mkdirSync(join(dir2, 'pki'));
  const elsewhere = new TokenStore(store, events, clock, dir2, PIN);
  t.not(elsewhere.bearerFor(a.token), a.secret);
  // Verification compares against the stored hash, so it needs no key: the
  // original secret still verifies, the other key's "replay" does not.
  t.equal((await elsewhere.verifyApi(a.secret)).id, a.token.id, 'issued secrets verify by hash alone');
  t.equal(
    (await errorOf(elsewhere.verifyApi(elsewhere.bearerFor(a.token)))).code,
    'UNAUTHENTICATED',
    "another key's secret for the same id is refused",
  );

  t.type(await errorOf(tokens.replay('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'admin')), NotFoundError);
  t.type(await errorOf(tokens.replay('not-an-id', 'admin')), NotFoundError);
  t.type(
    await errorOf(tokens.replay(a.token.id, 'someone-else')),
    NotFoundError,
    "a secret is only replayed to the token's creator",
  );
  t.type(await errorOf(tokens.revoke('01ARZ3NDEKTSV4RRFFQ69G5FAV')), NotFoundError);
});

t.test('parse', async (t) => {
  const id = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
  t.same(TokenStore.parse(`nj1.${PIN}.${id}.s3cr-t_X`), { id, secret: 's3cr-t_X' });
  t.same(TokenStore.parse(`${id}.s3cr-t_X`), { id, secret: 's3cr-t_X' });
  t.same(TokenStore.parse(`  ${id}.abc \n`), { id, secret: 'abc' });
  for (const bad of [
    '',
    id,
    `${id}.`,
    `.abc`,
    `abc.def`,
    `${id.toLowerCase()}.abc`,
    `nj1.${PIN}.${id}`,
    `nj2.${PIN}.${id}.abc`,
    `nj1.${id}.abc`,
    `${id}.a.b`,
    `nj1.${PIN}.${id}.a.b`,
  ]) {
    t.equal(TokenStore.parse(bad), undefined, `refuses ${JSON.stringify(bad)}`);
  }
});

t.test('list: kind, revoked, paging; request record on create', async (t) => {
  const { tokens, store } = await setup(t);
  const ids: string[] = [];
  for (const k of ['join', 'api', 'join', 'api', 'join'] as const) ids.push((await mk(tokens, k)).token.id);
  await tokens.revoke(ids[2]!);
  const l = async (o: Partial<Parameters<TokenStore['list']>[0]>) => {
    const r = await tokens.list({ includeRevoked: false, after: '', limit: 100, ...o });
    return { ids: r.tokens.map((x) => ids.indexOf(x.id)), more: r.more };
  };
  t.same(await l({}), { ids: [0, 1, 3, 4], more: false }, 'in creation order, revoked hidden');
  t.same(await l({ includeRevoked: true }), { ids: [0, 1, 2, 3, 4], more: false });
  t.same(await l({ kind: 'join' }), { ids: [0, 4], more: false });
  t.same(await l({ limit: 2 }), { ids: [0, 1], more: true });
  t.same(await l({ limit: 2, after: ids[1]! }), { ids: [3, 4], more: false });

  const { token } = await callContext.run({ rpc: 'CreateToken', actor: 'admin', peer: 'p', requestId: 'rq' }, () =>
    mk(tokens, 'api'),
  );
  t.same(
    (await store.get<{ ref: string }>(REQUESTS, 'admin/CreateToken/rq'))?.value.ref,
    token.id,
    'create records its request id against the token',
  );
  t.type(
    await errorOf(
      callContext.run({ rpc: 'CreateToken', actor: 'admin', peer: 'p', requestId: 'rq' }, () => mk(tokens, 'api')),
    ),
    ConflictError,
    'same request id again conflicts',
  );
});
