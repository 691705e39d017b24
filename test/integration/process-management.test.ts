import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readlinkSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ProcessDriver } from '../../agent/drivers/process/driver.js';
import { DriverError } from '../../agent/drivers/driver.js';
import { inspectTar, writeTar } from '../../common/tar.js';
import { ulid as newId } from '../../common/ids.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { httpGet, processesWith, processSpec } from '../helpers/vms.js';

// The process driver as a management instance, for real: supervised appliance
// processes, a token in a 0600 file, hiding (no port forward; only the agent's
// channel reaches it), configuration with a restart, a capture that holds
// neither the token nor anything of the agent's (and refuses when the token
// leaked into the appliance's files), clones extracted from that capture, and
// hostile base images refused before the VM exists.

const logged: string[] = [];
const log = pino(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _e, cb) {
      logged.push(chunk.toString());
      cb();
    },
  }),
);

const spec = processSpec;

t.test('process management instance: token, hidden, configure, capture, clones', async (t) => {
  const state = tmpDir();
  const driver = new ProcessDriver({ stateDir: join(state, 'vms'), log });
  t.teardown(async () => {
    for (const id of readdirSync(join(state, 'vms')).filter((n) => /^[0-9A-Z]{26}$/.test(n)))
      await driver.destroy(id).catch(() => {});
    await driver.close();
  });
  t.ok(driver.capabilities().management, 'management capability');
  const ready = async (id: string) =>
    waitFor(async () => ((await driver.inspect(id)).guestReady ? driver.inspect(id) : undefined), {
      timeoutMs: 20_000,
      message: `vm ${id} ready`,
    });

  const a = newId();
  await driver.create(spec(a));
  const port = (await ready(a)).hostPort;
  t.match((await httpGet(port)).body, /v1/, 'serves its page');

  // ---- token ----
  const token = randomBytes(16).toString('hex');
  await driver.tokenPut(a, token);
  const tokenFile = join(state, 'vms', a, 'token');
  t.equal(statSync(tokenFile).mode & 0o777, 0o600, 'token file is 0600');
  t.equal(await driver.tokenHash(a), createHash('sha256').update(token).digest('hex'), 'tokenHash is its sha256');
  t.same(processesWith(token), [], 'the token is in no command line');
  await t.rejects(driver.tokenPut(a, 'short'), { code: 'INVALID_SPEC' }, 'a malformed token is refused');
  await t.rejects(driver.tokenHash(newId()), { code: 'NOT_FOUND' });

  // ---- hidden ----
  await driver.setHidden(a, true);
  let st = await ready(a);
  t.equal(st.hostPort, 0, 'hidden: no port forward');
  t.equal(st.phase, 'running');
  await t.rejects(httpGet(port, 500), 'the old port no longer answers');
  const netns = (pid: number) => readlinkSync(`/proc/${pid}/ns/net`);
  t.not(netns(st.pid), netns(process.pid), 'the appliance is in a network namespace of its own');
  t.equal(await driver.guestRequest(a, 'config-get title'), 'v1', "the agent's channel still reaches it");

  // ---- configure ----
  const bad = {
    config: {},
    applianceVersion: '',
    files: [{ path: '../escape', content: Buffer.from('x'), mode: 0o644 }],
  };
  await t.rejects(driver.configure(a, bad), { code: 'INVALID_SPEC' }, "a file path with '..' is refused");
  await t.rejects(driver.configure(a, { ...bad, files: [], config: { 'Bad Key': 'x' } }), { code: 'INVALID_SPEC' });
  t.notOk(existsSync(join(state, 'vms', 'escape')) || existsSync(join(state, 'vms', a, 'escape')), 'nothing written');
  await driver.configure(a, {
    config: { title: 'v2', color: 'blue' },
    files: [{ path: 'site/motd.txt', content: Buffer.from('hello\n'), mode: 0o4777 }],
    applianceVersion: '2.0',
  });
  st = await ready(a);
  t.equal(st.hostPort, 0, 'still hidden after the restart');
  t.equal(await driver.guestRequest(a, 'config-get title'), 'v2', 'config key set');
  const motd = join(state, 'vms', a, 'data', 'site', 'motd.txt');
  t.equal(readFileSync(motd, 'utf8'), 'hello\n', 'file under the data dir');
  t.equal(statSync(motd).mode & 0o7777, 0o755, 'setuid and world-write dropped');

  // ---- capture ----
  const out = join(state, 'cap.tar');
  await driver.configure(a, {
    config: {},
    files: [{ path: 'leak', content: Buffer.from(token), mode: 0o644 }],
    applianceVersion: '',
  });
  await t.rejects(
    driver.capture(a, out),
    /token occurs in the appliance files/,
    'a capture holding the token is refused',
  );
  t.notOk(existsSync(out), 'and nothing is left of it');
  await driver.configure(a, {
    config: {},
    files: [{ path: 'leak', content: Buffer.from('clean'), mode: 0o644 }],
    applianceVersion: '',
  });
  const cap = await driver.capture(a, out);
  t.equal(cap.format, 'tar');
  t.equal(cap.sha256, createHash('sha256').update(readFileSync(out)).digest('hex'), 'sha256 of the file written');
  t.equal(cap.sizeBytes, statSync(out).size);
  t.match(cap.proof, /no token entry among \d+ entries; 0 occurrences of the token/);
  const ins = inspectTar(out);
  t.same(ins.problems, []);
  t.same(
    ins.entries.map((e) => e.path),
    ['appliance-version', 'config.json', 'data', 'data/leak', 'data/site', 'data/site/motd.txt'],
    'only the appliance files: no token, handle, uid, console, www',
  );
  t.notOk(readFileSync(out).includes(Buffer.from(token)), "the token's bytes are nowhere in the image");
  t.ok(existsSync(tokenFile), 'the instance keeps its token');

  // ---- clones ----
  const base = { imageId: newId(), sha256: cap.sha256, format: 'tar' as const, bootImage: '', path: out };
  const b = newId();
  await driver.create(spec(b, { config: {}, base }));
  const bst = await ready(b);
  t.ok(bst.hostPort > 0, 'a clone has its port forward');
  t.match((await httpGet(bst.hostPort)).body, /v2/, 'the clone serves the configured title');
  t.equal(readFileSync(join(state, 'vms', b, 'data', 'site', 'motd.txt'), 'utf8'), 'hello\n', 'with the data files');
  t.equal(readFileSync(join(state, 'vms', b, 'appliance-version'), 'utf8'), '2.0\n', 'and the version');
  t.equal(await driver.tokenHash(b), '', 'the clone holds no token');
  const c = newId();
  await driver.create(spec(c, { config: { title: 'override' }, base }));
  t.match((await httpGet((await ready(c)).hostPort)).body, /override/, "the spec's config goes over the image's");
  const d = newId();
  await driver.create(spec(d, { base, hidden: true }));
  t.equal((await ready(d)).hostPort, 0, 'created hidden: no port forward from the start');

  // ---- hostile bases ----
  const evil = tmpDir();
  const hostile = async (name: string, files: Record<string, string>, re: RegExp) => {
    const src = join(evil, name);
    for (const [p, body] of Object.entries(files)) {
      const f = join(src, p);
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, body);
    }
    const tar = join(evil, `${name}.tar`);
    writeTar(src, tar);
    const id = newId();
    const err = await driver.create(spec(id, { base: { ...base, path: tar } })).catch((e: unknown) => e);
    t.ok(err instanceof DriverError && err.code === 'INVALID_SPEC', `${name}: refused`);
    t.match((err as Error).message, re, `${name}: says why`);
  };
  await hostile('token', { 'config.json': '{}', token: 'planted-token-0123456789' }, /holds "token"/);
  await hostile('uid', { uid: '0' }, /holds "uid"/);
  await hostile('handle', { 'handle.json': '{"pid":1}' }, /holds "handle.json"/);
  await hostile('task', { 'config.json': '{"task":"rm -rf /"}' }, /config key task/);
  await hostile('notjson', { 'config.json': 'nope' }, /not JSON/);
  const sym = join(evil, 'sym.tar');
  writeFileSync(sym, Buffer.concat([Buffer.from('garbage'.padEnd(512, '\0')), Buffer.alloc(1024)]));
  const err = await driver.create(spec(newId(), { base: { ...base, path: sym } })).catch((e: unknown) => e);
  t.match((err as Error).message, /base image refused: bad header checksum/, 'a damaged tar is refused');
  await t.rejects(driver.create(spec(newId(), { base: { ...base, format: 'qcow2' } })), { code: 'INVALID_SPEC' });

  // ---- unhide, token out ----
  await driver.setHidden(a, false);
  st = await ready(a);
  t.ok(st.hostPort > 0, 'unhidden: port forward back');
  t.equal(netns(st.pid), netns(process.pid), "back in the host's network");
  t.match((await httpGet(st.hostPort)).body, /v2/, 'serving the configured page');
  await driver.tokenRemove(a);
  t.equal(await driver.tokenHash(a), '', 'token removed');
  t.notOk(existsSync(tokenFile));
  t.notOk(logged.join('').includes(token), 'the token is in no log line');
});
