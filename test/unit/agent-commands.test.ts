// AgentCommand dispatch (agent/commands/*) with a fake driver: each op reaches
// the driver's management method and answers one CommandResult; idempotent by
// command_id; generation checked; serialized with the runner's per-VM lock
// (a capture holds it, its upload does not); bounded queue and result cache;
// the probe's deadline and body cap. The token is never logged.
import t from 'tap';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { AgentCommand__Output as AgentCommand } from '../../common/gen/nephele/v1/AgentCommand.js';
import { KeyedMutex } from '../../common/store/index.js';
import { CommandDispatcher, MAX_QUEUED, MAX_RUNNING, RESULT_CACHE } from '../../agent/commands/dispatch.js';
import { PROBE_BODY_MAX } from '../../agent/commands/probe.js';
import type { CaptureResult, ConfigApply, Driver } from '../../agent/drivers/driver.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const VM = '01J00000000000000000000000';
const TOKEN = 'nph_mgmt_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

/** Management methods that record their calls; `hold` keeps a capture going until released. */
function fakeDriver(o: { hold?: Promise<void>; management?: boolean } = {}) {
  const calls: string[] = [];
  let token = '';
  const d = {
    scheme: 'fake',
    async tokenPut(_id: string, tk: string) {
      calls.push('tokenPut');
      token = tk;
    },
    async tokenHash() {
      calls.push('tokenHash');
      return token ? 'ab'.repeat(32) : '';
    },
    async tokenRemove() {
      calls.push('tokenRemove');
      token = '';
    },
    async configure(_id: string, c: ConfigApply) {
      calls.push(`configure ${JSON.stringify(c.config)} ${c.files.map((f) => `${f.path}:${f.mode.toString(8)}`)}`);
    },
    async capture(_id: string, out: string): Promise<CaptureResult> {
      calls.push('capture start');
      await o.hold;
      writeFileSync(out, 'captured');
      calls.push('capture end');
      return { format: 'tar', sha256: 'cd'.repeat(32), sizeBytes: 8, proof: 'no token entry' };
    },
  } as unknown as Driver;
  if (o.management === false) return { d: { scheme: 'fake' } as unknown as Driver, calls };
  return { d, calls };
}

function setup(o: { driver?: Driver; generation?: number; hostPort?: number; upSha?: string } = {}) {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => lines.push(s) });
  const locks = new KeyedMutex();
  const { d, calls } = fakeDriver();
  const uploads: { transferId: string; content: string }[] = [];
  const dir = tmpDir();
  const disp = new CommandDispatcher({
    vm: (id) =>
      id === VM ? { driver: o.driver ?? d, generation: o.generation ?? 3, hostPort: o.hostPort ?? 0 } : undefined,
    withVm: (id, fn) => locks.run(id, fn),
    upload: async (transferId, path) => {
      calls.push('upload');
      uploads.push({ transferId, content: readFileSync(path, 'utf8') });
      return { sha256: o.upSha ?? 'cd'.repeat(32), sizeBytes: 8 };
    },
    captureDir: join(dir, 'captures'),
    log,
  });
  return { disp, calls, lines, locks, uploads, dir };
}

const cmd = (id: string, op: Partial<AgentCommand>, generation = 3): AgentCommand =>
  ({ commandId: id, vmId: VM, generation, ...op }) as AgentCommand;

t.test('token ops reach the driver; the token appears in no log line', async (t) => {
  const s = setup();
  t.match(await s.disp.handle(cmd('c1', { op: 'tokenPut', tokenPut: { token: TOKEN } })), {
    commandId: 'c1',
    ok: true,
  });
  t.match(await s.disp.handle(cmd('c2', { op: 'tokenCheck', tokenCheck: {} })), {
    ok: true,
    tokenSha256: 'ab'.repeat(32),
  });
  t.match(await s.disp.handle(cmd('c3', { op: 'tokenRemove', tokenRemove: {} })), { ok: true });
  t.match(await s.disp.handle(cmd('c4', { op: 'tokenCheck', tokenCheck: {} })), { ok: true, tokenSha256: '' });
  t.same(s.calls, ['tokenPut', 'tokenHash', 'tokenRemove', 'tokenHash']);
  const bad = await s.disp.handle(cmd('c5', { op: 'tokenPut', tokenPut: { token: 'short' } }));
  t.match(bad, { ok: false, error: /token_put\.token/ });
  t.ok(s.lines.length >= 5, 'commands are logged');
  t.notOk(s.lines.join('').includes(TOKEN), 'no log line holds the token');
});

t.test('idempotent on command_id: a repeat gets the first answer, a concurrent one joins it', async (t) => {
  const s = setup();
  const c = cmd('dup', { op: 'tokenPut', tokenPut: { token: TOKEN } });
  const [a, b] = await Promise.all([s.disp.handle(c), s.disp.handle(c)]);
  const again = await s.disp.handle(c);
  t.same(a, b);
  t.same(again, a);
  t.same(s.calls, ['tokenPut'], 'acted once');
  t.match(await s.disp.handle(cmd('', { op: 'tokenCheck', tokenCheck: {} })), { ok: false, error: /command_id/ });
});

t.test('generation, vm and driver checked', async (t) => {
  const s = setup();
  t.match(await s.disp.handle(cmd('g1', { op: 'tokenCheck', tokenCheck: {} }, 2)), {
    ok: false,
    error: /generation 2 does not match the vm's 3/,
  });
  t.match(
    await s.disp.handle({ ...cmd('g2', { op: 'tokenCheck', tokenCheck: {} }), vmId: '01J00000000000000000000001' }),
    {
      ok: false,
      error: /does not run the vm/,
    },
  );
  t.match(await s.disp.handle(cmd('g3', {})), { ok: false, error: /no operation/ });
  const plain = setup({ driver: fakeDriver({ management: false }).d });
  t.match(await plain.disp.handle(cmd('g4', { op: 'tokenCheck', tokenCheck: {} })), {
    ok: false,
    error: /no management instances/,
  });
  t.same(s.calls, []);
});

t.test('configure: checked, names the field at fault, modes masked', async (t) => {
  const s = setup();
  const ok = await s.disp.handle(
    cmd('k1', {
      op: 'configure',
      configure: {
        config: { title: 'Hello' },
        files: [{ path: 'www/index.html', content: Buffer.from('<h1>'), mode: 0o4755 }],
        applianceVersion: '1.2',
      },
    }),
  );
  t.match(ok, { ok: true });
  t.same(s.calls, ['configure {"title":"Hello"} www/index.html:755']);
  for (const [path, re] of [
    ['../etc/passwd', /configure\.files\[0\]\.path/],
    ['/abs', /configure\.files\[0\]\.path/],
    ['a/./b', /configure\.files\[0\]\.path/],
  ] as const) {
    const r = await s.disp.handle(
      cmd(`k-${path.length}-${path.charCodeAt(0)}`, {
        op: 'configure',
        configure: { config: {}, files: [{ path, content: Buffer.from('x'), mode: 0 }], applianceVersion: '' },
      }),
    );
    t.match(r, { ok: false, error: re }, path);
  }
  const big = await s.disp.handle(
    cmd('k9', {
      op: 'configure',
      configure: {
        config: {},
        files: [{ path: 'f', content: Buffer.alloc(65 * 1024), mode: 0 }],
        applianceVersion: '',
      },
    }),
  );
  t.match(big, { ok: false, error: /configure\.files\[0\]\.content/ });
  t.match(
    await s.disp.handle(
      cmd('k10', { op: 'configure', configure: { config: { 'BAD KEY': 'x' }, files: [], applianceVersion: '' } }),
    ),
    { ok: false, error: /configure\.config/ },
  );
});

t.test('capture holds the vm lock (no stop meanwhile), uploads after it, answers after the upload', async (t) => {
  let release!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  const { d, calls } = fakeDriver({ hold });
  const s = setup({ driver: d });
  const answer = s.disp.handle(cmd('cap', { op: 'capture', capture: { transferId: 'tr-1' } }));
  await waitFor(() => calls.includes('capture start'));
  // The runner's stop for the same VM waits for the capture.
  const stop = s.locks.run(VM, async () => void calls.push('stop'));
  await new Promise((r) => setImmediate(r));
  t.notOk(calls.includes('stop'), 'stop waits while the capture runs');
  release();
  const r = await answer;
  await stop;
  t.match(r, { ok: true, sha256: 'cd'.repeat(32), sizeBytes: 8, format: 'IMAGE_FORMAT_TAR', detail: 'no token entry' });
  t.ok(calls.indexOf('capture end') < calls.indexOf('stop'), 'stop after the capture');
  t.same(s.uploads, [{ transferId: 'tr-1', content: 'captured' }]);
  t.notOk(existsSync(join(s.dir, 'captures', 'tr-1.capture')), 'the local copy is removed');
  t.match(await s.disp.handle(cmd('cap2', { op: 'capture', capture: { transferId: '../x' } })), {
    ok: false,
    error: /capture\.transfer_id/,
  });
  const other = setup({ upSha: 'ee'.repeat(32) });
  t.match(await other.disp.handle(cmd('cap3', { op: 'capture', capture: { transferId: 'tr-2' } })), {
    ok: false,
    error: /different sha256/,
  });
});

t.test('bounded: running, queued and remembered commands', async (t) => {
  let release!: () => void;
  const hold = new Promise<void>((r) => (release = r));
  const { d, calls } = fakeDriver({ hold });
  const s = setup({ driver: d });
  // Captures of different transfers on one VM: one runs (the lock), MAX_RUNNING hold slots, the rest queue.
  const all = [];
  for (let i = 0; i < MAX_RUNNING + MAX_QUEUED; i++)
    all.push(s.disp.handle(cmd(`b${i}`, { op: 'capture', capture: { transferId: `t${i}` } })));
  await waitFor(() => calls.includes('capture start'));
  t.match(await s.disp.handle(cmd('over', { op: 'tokenCheck', tokenCheck: {} })), { ok: false, error: /busy/ });
  release();
  const results = await Promise.all(all);
  t.ok(results.every((r) => r.ok));
  // Not remembered when refused: the retry runs.
  t.match(await s.disp.handle(cmd('over', { op: 'tokenCheck', tokenCheck: {} })), { ok: true });
  for (let i = 0; i < RESULT_CACHE; i++) await s.disp.handle(cmd(`r${i}`, { op: 'tokenCheck', tokenCheck: {} }));
  const before = calls.filter((c) => c === 'tokenHash').length;
  await s.disp.handle(cmd('r0', { op: 'tokenCheck', tokenCheck: {} })); // still remembered
  await s.disp.handle(cmd('b0', { op: 'tokenCheck', tokenCheck: {} })); // forgotten: acts again (and fails: not a capture)
  t.equal(calls.filter((c) => c === 'tokenHash').length, before + 1);
  t.equal(s.disp.pending, 0);
});

t.test('probe: status, expected text, body cap, deadline', async (t) => {
  let mode = 'ok';
  const server: Server = createServer((req, res) => {
    if (mode === 'silent') return; // never answers
    if (mode === 'big') {
      res.writeHead(200);
      res.write(Buffer.alloc(PROBE_BODY_MAX * 4, 'x'));
      return; // and never ends: the cap ends the read
    }
    res.writeHead(mode === 'ok' ? 200 : 503);
    res.end(`<h1>Title v2</h1> path=${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => void server.close());
  server.unref();
  const port = (server.address() as { port: number }).port;
  const s = setup({ hostPort: port });
  const p = (id: string, path: string, expect: string, timeoutMs = 2000) =>
    s.disp.handle(cmd(id, { op: 'probe', probe: { path, expect, timeoutMs } }));
  t.match(await p('p1', '/health', 'Title v2'), { ok: true, httpStatus: 200, detail: /Title v2.*path=\/health/ });
  t.match(await p('p2', '/', 'Title v3'), { ok: false, httpStatus: 200, error: /expected text/ });
  mode = 'down';
  t.match(await p('p3', '/', ''), { ok: false, httpStatus: 503, error: /503/ });
  mode = 'big';
  const big = await p('p4', '/', 'xxxx');
  t.match(big, { ok: true, httpStatus: 200 });
  t.ok(big.detail!.length <= 256);
  mode = 'silent';
  t.match(await p('p5', '/', '', 200), { ok: false, error: /no answer within 200 ms/ });
  t.match(await p('p6', 'no-slash', ''), { ok: false, error: /probe\.path/ });
  const none = setup();
  t.match(await none.disp.handle(cmd('p7', { op: 'probe', probe: { path: '/', expect: '', timeoutMs: 0 } })), {
    ok: false,
    error: /no host port/,
  });
});
