import t from 'tap';
import { add, failedTests, formatSummary, parseSummary, verdict, zero } from '../../scripts/test-runner/summary.js';

const passing =
  'TAP version 14\nok 1 - a\n    # { total: 9, pass: 9 }\n1..1\n# { total: 3, pass: 2, todo: 1 }\n# time=5ms\n';
const clean = { code: 0, signal: null, timedOut: false };

t.test("the summary is the last unindented one (a subtest's is indented)", async (t) => {
  t.same(parseSummary(passing), { total: 3, pass: 2, fail: 0, skip: 0, todo: 1 });
  t.equal(parseSummary('ok 1 - a\n    # { total: 9, pass: 9 }\n'), undefined, 'only an indented one: none');
  t.equal(parseSummary('# { total: 3, pass: x }\n'), undefined, 'malformed: none');
  t.same(parseSummary('# { total: 4, pass: 3, fail: 1 }\n# { total: 5, pass: 5 }\n')?.total, 5, 'the last wins');
});

t.test('verdicts: a broken file is never silent', async (t) => {
  t.same(verdict(passing, clean), { ok: true, counts: parseSummary(passing), reason: '' });
  const failed = verdict('# { total: 4, pass: 3, fail: 1 }\n', { ...clean, code: 1 });
  t.notOk(failed.ok);
  t.equal(failed.counts.fail, 1, 'its own failures, no extra one for its exit status');
  const crashed = verdict('ok 1 - a\n# { total: 1, pass: 1 }\n', { ...clean, code: 3 });
  t.same([crashed.ok, crashed.counts.fail, crashed.counts.total, crashed.reason], [false, 1, 2, 'exited 3']);
  const silent = verdict('ok 1 - a\n', clean);
  t.same([silent.ok, silent.counts.fail, silent.reason], [false, 1, 'ended without a summary']);
  t.equal(verdict(passing, { code: null, signal: 'SIGKILL', timedOut: false }).reason, 'killed by SIGKILL');
  t.equal(verdict(passing, { code: null, signal: 'SIGKILL', timedOut: true }).reason, 'timed out');
  t.notOk(verdict('# { total: 2, pass: 1, fail: 1 }\n', clean).ok, 'a reported failure fails even with exit 0');
});

t.test("the total is printed in tap's format", async (t) => {
  const c = add(parseSummary(passing)!, { ...zero(), total: 2, pass: 1, fail: 1 });
  t.equal(formatSummary(c), '# { total: 5, pass: 3, fail: 1, todo: 1 }');
  t.equal(formatSummary(zero()), '# { total: 0 }');
  t.match(formatSummary(c), /^# \{ total: [0-9]+(, [a-z]+: [0-9]+)* \}$/, 'the line .ci/run reads');
});

t.test('failed tests: each by depth, with where it was raised, bounded', async (t) => {
  const out = [
    'TAP version 14',
    '# Subtest: outer',
    '    # Subtest: inner',
    '        not ok 1 - one is two',
    '          ---',
    '          at:',
    '            fileName: f.test.mjs',
    '            lineNumber: 2',
    '          stack: |',
    '            x (f.test.mjs:9:1)',
    '          ...',
    '        1..1',
    '    not ok 1 - inner # time=22.378ms',
    '    ok 2 - fine',
    'not ok 1 - outer # time=29.634ms',
    'ok 2 - passing',
    '1..2',
  ].join('\n');
  t.same(failedTests(out), ['    not ok - one is two (f.test.mjs:2)', '  not ok - inner', 'not ok - outer']);
  t.same(failedTests(passing), [], 'none when all passed');
  const many = Array.from({ length: 40 }, (_, i) => `not ok ${i + 1} - n${i}`).join('\n');
  const listed = failedTests(many, 5);
  t.equal(listed.length, 6);
  t.equal(listed[5], '... and 35 more');
});
