import { statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { silentLogger } from '../../common/logger.js';
import { ControlServer, controlExec, parseRequest, type ExecRequest } from '../../agent/local/control.js';
import { parseExecArgs } from '../../agent/local/exec-cli.js';
import { tmpDir } from '../helpers/tmp.js';

const VM = '01J00000000000000000000000';

t.test('requests are checked field by field', async (t) => {
  t.same(parseRequest(JSON.stringify({ vm: VM, argv: ['true'] })), { vm: VM, argv: ['true'], timeoutMs: 10_000 });
  t.throws(() => parseRequest('nope'), /request: not JSON/);
  t.throws(() => parseRequest(JSON.stringify({ vm: '../x', argv: ['true'] })), /^vm:/);
  t.throws(() => parseRequest(JSON.stringify({ vm: VM, argv: [] })), /^argv:/);
  t.throws(() => parseRequest(JSON.stringify({ vm: VM, argv: ['a\nb'] })), /^argv:/);
  t.throws(() => parseRequest(JSON.stringify({ vm: VM, argv: [1] })), /^argv:/);
  t.throws(() => parseRequest(JSON.stringify({ vm: VM, argv: ['x'], timeout_ms: 0 })), /^timeout_ms:/);
  t.throws(() => parseRequest(JSON.stringify({ vm: VM, argv: ['x'], timeout_ms: 1e9 })), /^timeout_ms:/);
  t.throws(() => parseRequest('null'), /^vm:/);
});

t.test('the socket is 0600, answers one request per connection, and reports failures', async (t) => {
  const dir = tmpDir();
  const path = join(dir, 'control.sock');
  const seen: ExecRequest[] = [];
  const srv = new ControlServer(
    path,
    async (r) => {
      seen.push(r);
      if (r.argv[0] === 'fail') throw new Error('no such VM here');
      return { exitCode: 3, output: r.argv.join(' ') };
    },
    silentLogger,
  );
  await srv.listen();
  t.teardown(() => srv.close());
  t.equal(statSync(path).mode & 0o777, 0o600, 'only the agent user may connect');
  t.same(await controlExec(path, { vm: VM, argv: ['echo', 'hi'], timeoutMs: 500 }), { exitCode: 3, output: 'echo hi' });
  t.same(seen, [{ vm: VM, argv: ['echo', 'hi'], timeoutMs: 500 }]);
  await t.rejects(controlExec(path, { vm: VM, argv: ['fail'], timeoutMs: 500 }), /no such VM here/);
  await t.rejects(controlExec(path, { vm: 'bad', argv: ['x'], timeoutMs: 500 }), /vm: must be a VM id/);
  // A client that sends an endless line without a newline is cut off, not buffered forever.
  const answer = await new Promise<string>((resolve) => {
    const s = createConnection(path);
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('close', () => resolve(got));
    s.on('error', () => resolve(got));
    s.on('connect', () => s.write('x'.repeat(64 * 1024)));
  });
  t.match(answer, /too long/);
  t.equal(seen.length, 2, 'nothing ran for the bad requests');
});

t.test('nephele-agent exec: its arguments', async (t) => {
  t.same(parseExecArgs(['--data-dir', '/d', VM, '--', 'ps', '-ef'], {}), {
    dataDir: '/d',
    vm: VM,
    argv: ['ps', '-ef'],
    timeoutMs: 30_000,
  });
  t.equal(parseExecArgs([VM, '--', 'x'], { NEPHELE_DATA_DIR: '/e' }).dataDir, '/e');
  t.equal(parseExecArgs(['--timeout', '5', VM, '--', 'x'], {}).timeoutMs, 5000);
  t.throws(() => parseExecArgs([VM, 'x'], {}), /usage/, 'the command comes after --');
  t.throws(() => parseExecArgs([VM, '--'], {}), /usage/);
  t.throws(() => parseExecArgs(['--', 'x'], {}), /usage/, 'a VM is needed');
  t.throws(() => parseExecArgs(['--timeout', '0', VM, '--', 'x'], {}), /--timeout/);
  t.throws(() => parseExecArgs(['--bogus', VM, '--', 'x'], {}), /usage/);
});
