import t from 'tap';
import { execFileSync } from 'node:child_process';
import { withoutProcessinfo } from '../helpers/child-env.js';

t.test("children of a test start without tap's processinfo loader", (t) => {
  // As tap's runner gives a test process the loader (our runner does not): the real import, so a child that kept it would show it.
  const pi = `--import=${import.meta.resolve('@tapjs/processinfo/import')}`;
  const child = execFileSync(process.execPath, ['-p', 'process.env.NODE_OPTIONS ?? ""'], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: `--max-old-space-size=512 ${pi}` },
  });
  t.notMatch(child, /processinfo/, 'the child has none');
  t.match(child, /--max-old-space-size=512/, 'and keeps the rest');
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

t.test("test files start with .taprc's plugins: no TypeScript loader (tests run compiled JS)", (t) => {
  // A fresh install's tap carries @tapjs/typescript until `tap build` (scripts/tap-build.sh) rebuilds it:
  // under tap's runner, ts-node's loader then costs every test file ~2.5 s.
  const loaders = [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].join(' ');
  t.notMatch(loaders, /@tapjs[/\\]typescript|ts-node/, 'no ts-node loader in this test process');
  t.end();
});

t.test("tap's Test class is built with .taprc's plugins only (scripts/tap-build.sh)", (t) => {
  // Every test file imports tap: the default plugins cost each import 0.46 s of CPU, these 0.29.
  const has = (name: string) => name in t;
  t.ok(has('testdir') && has('before') && has('afterEach'), 'the plugins the tests use are there');
  t.notOk(has('mockImport') || has('matchSnapshot') || has('intercept') || has('spawn'), 'the others are not');
  t.end();
});
