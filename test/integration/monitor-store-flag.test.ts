// `nephele controller --monitor-store`: a bad URL is refused at start in one
// line on stderr naming the flag (its password never printed); a good one
// (jsonl:<dir>, also through NEPHELE_MONITOR_STORE) starts the controller.
import t from 'tap';
import { cli, startController, FAST } from '../helpers/procs.js';
import { tmpDir } from '../helpers/tmp.js';

t.test('a bad --monitor-store is refused naming the flag, without its password', async (t) => {
  for (const url of ['mysql://mon:hunter2-secret@db/x', 'postgres://mon:hunter2-secret@[bad/x']) {
    const r = await cli(['--data-dir', tmpDir(), 'controller', '--listen', '127.0.0.1:0', '--monitor-store', url]);
    t.equal(r.code, 1, `exit 1 for ${url.split(':')[0]}`);
    t.equal(r.stdout, '', 'nothing on stdout');
    t.match(r.stderr, /^nephele: --monitor-store/, 'one line naming the flag');
    t.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.notMatch(r.stderr, /hunter2/, 'password not shown');
    t.match(r.stderr, /\*\*\*/, 'redacted in place');
  }
});

t.test('jsonl:<dir> (flag or environment) starts the controller; --help documents it', async (t) => {
  const viaFlag = await startController(tmpDir(), { args: [...FAST, '--monitor-store', `jsonl:${tmpDir()}`] });
  t.teardown(() => viaFlag.kill());
  t.ok(viaFlag.port > 0, 'started with --monitor-store');
  const viaEnv = await startController(tmpDir(), { env: { NEPHELE_MONITOR_STORE: `jsonl:${tmpDir()}` } });
  t.teardown(() => viaEnv.kill());
  t.ok(viaEnv.port > 0, 'started with NEPHELE_MONITOR_STORE');
  const bad = await cli(['--data-dir', tmpDir(), 'controller', '--listen', '127.0.0.1:0'], {
    NEPHELE_MONITOR_STORE: 'ftp://x',
  });
  t.equal(bad.code, 1, 'a bad NEPHELE_MONITOR_STORE is refused too');
  t.match(bad.stderr, /--monitor-store must be postgres:\/\/… or jsonl:<dir>/);
  const help = await cli(['controller', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /--monitor-store <url>/, 'documented in --help');
});
