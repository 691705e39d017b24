import t from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/procs.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

// The test command's runner (scripts/test-runner) on real tap test files: it
// counts every file's assertions, and a failing, crashing or hanging file
// fails the run (the hanging one and what it started are killed).

const RUNNER = join(ROOT, 'dist/scripts/test-runner/run.js');

function suite(names: string[]): string {
  const dir = tmpDir('runner-');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 't'));
  for (const n of names) copyFileSync(join(ROOT, 'test/fixtures/runner', `${n}.mjs`), join(dir, 't', `${n}.test.js`));
  return dir;
}

const run = (dir: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [RUNNER, ...args, join(dir, 't')], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });

const summaryOf = (out: string) => out.split('\n').filter((l) => /^# \{ total/.test(l));

t.test('passing files: their assertions summed, exit 0', async (t) => {
  const dir = suite(['pass']);
  const r = run(dir, ['--jobs', '2']);
  t.equal(r.status, 0, 'exit 0');
  t.same(summaryOf(r.stdout), ['# { total: 2, pass: 2 }'], 'its two asserts (tap counts assertions, not subtests)');
  t.match(r.stdout, /^ok 1 - t\/pass\.test\.js # time=[0-9.]+ms$/m, 'one line per file, with its time');
  t.match(r.stdout, /^# Subtest: t\/pass\.test\.js\n {4}TAP version 14/m, "the file's own TAP, indented");
});

t.test('a failed assertion and a crash fail the run, each counted', async (t) => {
  const dir = suite(['pass', 'fail', 'crash']);
  const r = run(dir, ['--jobs', '3']);
  t.equal(r.status, 1, 'exit 1');
  t.same(summaryOf(r.stdout), ['# { total: 6, pass: 4, fail: 2 }'], 'the failed assert, plus one for the crash');
  t.match(r.stdout, /^not ok \d+ - t\/crash\.test\.js # time=.*\n {2}---\n {2}reason: "exited 3"/m);
  t.match(r.stdout, /^not ok \d+ - t\/fail\.test\.js/m);
  // The failures again at the end, just above the summary, where a CI log's tail shows them.
  const tail = r.stdout.slice(r.stdout.lastIndexOf('# failed:'));
  t.match(tail, /^# failed:\n(# {3}.*\n)+1\.\.3\n# \{ total/m, 'one block, right before the plan and summary');
  t.match(tail, /^# {3}t\/crash\.test\.js \(exited 3\)$/m);
  t.match(tail, /^# {3}t\/fail\.test\.js \(exited 1\)$/m, 'a file with a failed assertion exits 1');
  t.match(
    tail,
    /^# {5}( {2})?not ok - .* \(.*fail\.test\.js:\d+\)$/m,
    'the failed assertion, with where it was raised',
  );
  t.notMatch(tail, /pass\.test\.js/, 'passing files are not listed');
});

t.test('a file that ignores the timeout is killed with what it started', async (t) => {
  const dir = suite(['hang']);
  const pidFile = join(dir, 'child.pid');
  const r = run(dir, ['--timeout', '1'], { RUNNER_FIXTURE_PID_FILE: pidFile });
  t.equal(r.status, 1, 'exit 1');
  t.match(r.stdout, /^not ok \d+ - t\/hang\.test\.js # time=.*\n {2}---\n {2}reason: "timed out"/m);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  await waitFor(
    () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    },
    { timeoutMs: 10_000, message: "the hanging file's child is gone" },
  );
});

t.test('bad arguments and an empty directory are errors, not a green run', async (t) => {
  const dir = suite([]);
  const r = run(dir, []);
  t.equal(r.status, 1);
  t.match(r.stdout, /No test files found/);
  const bad = run(dir, ['--jobs', '0']);
  t.not(bad.status, 0);
  t.match(bad.stderr, /--jobs/);
});
