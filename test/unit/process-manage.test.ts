import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergedConfig, occurrences } from '../../agent/drivers/process/manage.js';
import { tmpDir } from '../helpers/tmp.js';

// The process driver's management helpers on their own: the capture's byte
// scan finds a token wherever it lies (also across its 1 MiB read chunks), and
// a configuration change is checked whole before anything is written.

const dir = tmpDir();

t.test('occurrences: across chunk boundaries, overlapping, none', async (t) => {
  const token = Buffer.from('tok_0123456789abcdef');
  const f = join(dir, 'big');
  const buf = Buffer.alloc(3 * 1024 * 1024, 0x61);
  token.copy(buf, 1024 * 1024 - 7); // straddles the first chunk's end
  token.copy(buf, 2 * 1024 * 1024 - token.length); // ends exactly at the second
  token.copy(buf, buf.length - token.length); // the file's last bytes
  writeFileSync(f, buf);
  t.equal(occurrences(f, token), 3);
  writeFileSync(f, 'aaaa');
  t.equal(occurrences(f, Buffer.from('aa')), 3, 'overlapping matches count');
  t.equal(occurrences(f, token), 0);
  t.equal(occurrences(f, Buffer.alloc(0)), 0);
});

t.test('mergedConfig: every part of a change is checked', async (t) => {
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ title: 'a', color: 'red' }));
  const ok = { config: { title: 'b', color: '' }, files: [], applianceVersion: '1.2' };
  t.same(mergedConfig(dir, ok), { title: 'b' }, "'' removes a key");
  const bad = (over: object, re: RegExp) =>
    t.throws(() => mergedConfig(dir, { ...ok, ...over }), { code: 'INVALID_SPEC', message: re });
  bad({ config: { 'Bad Key': 'x' } }, /config key/);
  bad({ config: { task: 'sh' } }, /task/);
  bad({ config: { title: 'two\nlines' } }, /one line/);
  bad({ config: { title: 'x'.repeat(2000) } }, /one line of at most/);
  bad({ config: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'])) }, /more than 32/);
  bad({ applianceVersion: 'has space' }, /appliance version/);
  const file = (path: string, size = 1) => ({ path, content: Buffer.alloc(size), mode: 0o644 });
  bad({ files: [file('../x')] }, /leaves the target dir/);
  bad({ files: [file('/etc/x')] }, /absolute/);
  bad({ files: [file('a\u0001b')] }, /control characters/);
  bad({ files: [file('big', 5 * 1024 * 1024)] }, /over 4194304 bytes/);
  bad({ files: Array.from({ length: 65 }, (_, i) => file(`f${i}`)) }, /more than 64 files/);
});
