import t from 'tap';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  cmdlineText,
  CMDLINE_MAX,
  ExeHashCache,
  killInTree,
  licenceOf,
  processesOf,
  timeMs,
  usersOf,
} from '../../agent/drivers/process/monitor.js';
import { waitFor } from '../helpers/wait.js';
import { children } from '../../agent/drivers/process/proc.js';

t.test('cmdline: NULs to spaces, capped', async (t) => {
  t.equal(cmdlineText(Buffer.from('a\0b c\0')), 'a b c');
  t.equal(cmdlineText(Buffer.alloc(2000, 'x')).length, CMDLINE_MAX);
  t.equal(cmdlineText(Buffer.alloc(0)), '');
});

t.test('licence, users, times from config', async (t) => {
  t.same(licenceOf({}), { licenceId: '', seats: 0, seatsInUse: 0, expiresUnixMs: 0 });
  t.same(licenceOf({ licence_seats: '-1', licence_seats_in_use: 'x' }).seats, 0, 'junk is 0');
  t.equal(timeMs('1700000000'), 1_700_000_000_000, 'seconds');
  t.equal(timeMs('1700000000000'), 1_700_000_000_000, 'ms');
  t.equal(timeMs('nope'), 0);
  t.same(usersOf({ users: ' a, ,b ' }), ['a', 'b']);
  t.equal(usersOf({ users: Array(100).fill('u').join(',') }).length, 64, 'at most 64');
});

t.test('exe hashes are cached by file identity', async (t) => {
  const c = new ExeHashCache();
  const want = createHash('sha256').update(readFileSync(process.execPath)).digest('hex');
  const [x, y] = await Promise.all([c.of(process.pid), c.of(process.pid)]);
  t.same([x, y], [want, want]);
  t.equal(await c.of(process.pid), want);
  t.equal(c.hashes, 1, 'hashed once (also when asked twice at once)');
  t.equal(await c.of(2 ** 22 + 7), '', 'no such pid');
});

t.test('processes and kill_process within a tree', async (t) => {
  const sh = spawn('sh', ['-c', 'sleep 60 & wait'], { stdio: 'ignore' });
  t.teardown(() => void sh.kill('SIGKILL'));
  const root = sh.pid!;
  const sleep = await waitFor(() => children(root)[0], { timeoutMs: 5000, message: 'sleep child' });
  const c = new ExeHashCache();
  const ps = await processesOf(root, c);
  t.same(
    ps.map((p) => p.pid),
    [root, sleep],
  );
  t.match(ps[1]!.cmdline, /^sleep 60$/);
  await t.rejects(killInTree(root, { pid: sleep, exeSha256: 'a'.repeat(64) }, c), { code: 'FAILED' }, 'hash differs');
  await t.rejects(killInTree(root, { pid: sleep, name: 'other' }, c), { code: 'FAILED' }, 'name differs');
  await t.rejects(killInTree(root, { pid: root }, c), { code: 'INVALID_SPEC' }, 'not the root');
  await t.rejects(killInTree(root, { pid: process.pid }, c), { code: 'NOT_FOUND' }, 'outside the tree');
  t.equal(await killInTree(root, { pid: sleep, exeSha256: ps[1]!.exeSha256, name: 'sleep' }, c), `killed pid ${sleep}`);
  await waitFor(() => !children(root).includes(sleep), { timeoutMs: 5000, message: 'killed' });
});
