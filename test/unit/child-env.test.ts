import t from 'tap';
import { execFileSync } from 'node:child_process';
import { withoutProcessinfo } from '../helpers/child-env.js';

t.test("children of a test start without tap's processinfo loader", (t) => {
  t.match(process.env['NODE_OPTIONS'] ?? '', /processinfo/, 'tap gave this test process the loader');
  const child = execFileSync(process.execPath, ['-p', 'process.env.NODE_OPTIONS ?? ""'], { encoding: 'utf8' });
  t.notMatch(child, /processinfo/, 'the child has none');
  t.end();
});

t.test('only the processinfo options go', (t) => {
  const pi = '--import=file:///x/node_modules/@tapjs/processinfo/dist/esm/import.mjs';
  t.equal(
    withoutProcessinfo(`--max-old-space-size=512 ${pi} --enable-source-maps`),
    '--max-old-space-size=512 --enable-source-maps',
  );
  t.equal(withoutProcessinfo(pi), '');
  t.equal(withoutProcessinfo(`"${pi}"`), '', 'as tap quotes it');
  t.equal(withoutProcessinfo(`"--enable-source-maps" "${pi}"`), '"--enable-source-maps"');
  t.equal(withoutProcessinfo('--loader /y/@tapjs/processinfo/dist/esm/loader.mjs --no-warnings'), '--no-warnings');
  t.equal(withoutProcessinfo('--require "/a b/hook.js"'), '--require "/a b/hook.js"', 'quoted paths untouched');
  t.end();
});
