// Connecting (issue 11, item 14): every way a connection fails ends the CLI
// with one line naming the address and what to check (no grpc-js internals),
// a hanging endpoint ends at --connect-timeout, and `nephele version` /
// `--version` say what runs on both sides. Through the real CLI.
import t, { type Test } from 'tap';
import { createServer as createH2Server } from 'node:http2';
import { createServer, type Server, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa } from '../../common/tls/pki.js';
import { packageVersion } from '../../common/version.js';
import { tmpDir } from '../helpers/tmp.js';
import { AGENT, cli, startController, type ControllerProc } from '../helpers/procs.js';
import { spawn } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';

let ctl: ControllerProc;
t.before(async () => {
  ctl = await startController(tmpDir());
});
t.teardown(() => ctl.kill());

async function listen(s: Server | ReturnType<typeof createH2Server>): Promise<string> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => s.close(() => r())));
  return `127.0.0.1:${(s.address() as { port: number }).port}`;
}

/** A failed `host ls`: exit 1, nothing on stdout, one line on stderr matching `want`. */
async function fails(t: Test, args: string[], want: RegExp) {
  const started = Date.now();
  const r = await cli([...args, 'host', 'ls']);
  t.equal(r.code, 1, 'exit 1');
  t.equal(r.stdout, '', 'nothing on stdout');
  t.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
  t.match(r.stderr, want);
  t.notMatch(r.stderr, /Last error|Resolution note|UNAVAILABLE|DEADLINE_EXCEEDED|SSL routines/, 'no grpc-js internals');
  return Date.now() - started;
}

t.test('a CA that did not issue the controller certificate', async (t) => {
  const other = join(tmpDir(), 'other-ca.pem');
  writeFileSync(other, (await createCa('someone else')).certPem);
  await fails(
    t,
    ['--controller', ctl.address, '--data-dir', ctl.dataDir, '--ca-file', other],
    new RegExp(
      `^nephele: cannot verify the controller at ${ctl.address} with CA ${other}: its certificate was not issued by this CA \\(check --ca-file / NEPHELE_CA\\)\\n$`,
    ),
  );
});

t.test('a CA file that is no certificate', async (t) => {
  const junk = join(tmpDir(), 'ca.pem');
  writeFileSync(junk, 'not a certificate\n');
  await fails(
    t,
    ['--controller', ctl.address, '--data-dir', ctl.dataDir, '--ca-file', junk],
    /is not a PEM certificate/,
  );
});

t.test('nothing listening', async (t) => {
  const s = createServer();
  const addr = await listen(s);
  await new Promise<void>((r) => s.close(() => r()));
  await fails(
    t,
    ['--controller', addr, '--data-dir', ctl.dataDir],
    new RegExp(`^nephele: nothing is listening at ${addr} \\(is the controller running\\? check --controller`),
  );
});

t.test('an endpoint that accepts and never answers ends at --connect-timeout', async (t) => {
  const sockets = new Set<Socket>();
  const s = createServer((sock) => sockets.add(sock));
  t.teardown(() => sockets.forEach((x) => x.destroy()));
  const addr = await listen(s);
  const ms = await fails(
    t,
    ['--controller', addr, '--data-dir', ctl.dataDir, '--connect-timeout', '1s'],
    new RegExp(`^nephele: no answer from ${addr} within 1s \\(is the controller running\\? .*--connect-timeout\\)`),
  );
  t.ok(ms < 12_000, `ended at the connect timeout, not the 15 s call deadline (${ms} ms with process start)`);
  t.ok(sockets.size >= 1, 'it did connect');
  const bad = await cli(['--connect-timeout', 'soon', '--controller', addr, '--data-dir', ctl.dataDir, 'host', 'ls']);
  t.match(bad.stderr, /^nephele: --connect-timeout: "soon" is not a duration/);
});

t.test('a plain-text server where TLS is expected, and the other way round', async (t) => {
  const h2 = createH2Server();
  const addr = await listen(h2);
  await fails(
    t,
    ['--controller', addr, '--data-dir', ctl.dataDir],
    new RegExp(`^nephele: ${addr} does not speak TLS \\(a controller started with --insecure\\? then pass --insecure`),
  );
  await fails(
    t,
    ['--controller', ctl.address, '--data-dir', ctl.dataDir, '--insecure'],
    new RegExp(`^nephele: ${ctl.address} does not speak plain-text gRPC \\(a TLS controller\\? drop --insecure`),
  );
});

t.test('nephele version: client and controller, no token needed', async (t) => {
  const v = packageVersion();
  const noToken = tmpDir();
  const r = await cli([
    '--controller',
    ctl.address,
    '--data-dir',
    noToken,
    '--ca-file',
    join(ctl.dataDir, 'ca.pem'),
    'version',
  ]);
  t.equal(r.code, 0, r.stderr);
  t.match(
    r.stdout,
    new RegExp(
      `^Client: ${v}( \\(commit [0-9a-f]+\\))?\\nServer: ${v}( \\(commit [0-9a-f]+\\))? at ${ctl.address}\\n$`,
    ),
  );
  const j = await cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, '--json', 'version']);
  const parsed = JSON.parse(j.stdout) as { client: { version: string }; server: { version: string; address: string } };
  t.equal(parsed.client.version, v);
  t.equal(parsed.server.version, v);
  t.equal(parsed.server.address, ctl.address);
  const client = await cli(['version', '--client', '--controller', '127.0.0.1:1']);
  t.equal(client.code, 0, 'version --client needs no controller');
  t.match(client.stdout, new RegExp(`^Client: ${v}`));
  const down = await cli(['--controller', '127.0.0.1:1', '--data-dir', noToken, '--insecure', 'version']);
  t.equal(down.code, 1);
  t.match(down.stderr, /^nephele: nothing is listening at 127\.0\.0\.1:1 /);
});

t.test('--version on both programs', async (t) => {
  const v = packageVersion();
  const r = await cli(['--version']);
  t.equal(r.code, 0);
  t.match(r.stdout, new RegExp(`^nephele ${v}( \\(commit [0-9a-f]+\\))?\\n$`));
  const agent = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const p = spawn(process.execPath, [AGENT, '--version'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.once('exit', (code) => resolve({ code, out }));
  });
  t.equal(agent.code, 0);
  t.match(agent.out, new RegExp(`^nephele-agent ${v}( \\(commit [0-9a-f]+\\))?\\n$`));
});

t.test('AdminClient: a promise method for every unary RPC, call() kept; group commands use them', async (t) => {
  const a = ctl.admin();
  t.teardown(() => a.close());
  const hosts = await a.listHosts({ pageSize: 10 });
  t.same(hosts.hosts, [], 'listHosts resolves with the typed response');
  await t.rejects(a.getVm({ vmId: '01J0000000000000000000000X' }), { code: grpc.status.NOT_FOUND });
  t.equal((await a.getVersion({})).version, packageVersion());
  t.notOk('watchEvents' in a, 'streaming RPCs have no promise method');
  const viaCall = await a.call<{ groups: unknown[] }>((md, o, cb) => a.hosts.ListGroups({}, md, o, cb as never));
  t.same(viaCall.groups, [], 'call() still works');

  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const made = await cli([...base, 'group', 'create', 'web', '--description', 'front ends']);
  t.equal(made.code, 0, made.stderr);
  t.equal(made.stdout, 'created group web\n');
  const ls = await cli([...base, '--json', 'group', 'ls']);
  t.equal(ls.code, 0, ls.stderr);
  t.match(JSON.parse(ls.stdout), [{ name: 'web', description: 'front ends', hostCount: 0 }]);
});
