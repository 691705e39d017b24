import t from 'tap';
import { json, table, terminalSafe } from '../../controller/cli/format.js';

// CLI output never hands a terminal its control sequences: what the controller
// returns (names, descriptions, reasons, event text) is shown with visible escapes.

const HOSTILE = 'title\x1b]0;pwned\x07 \x1b[2J\x9b31m\u202eevil\u2066 \x00\x7f';
const ESCAPES = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
/** The same, for multi-line output: its own newlines are fine. */
const ESCAPES_BUT_NL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

t.test('terminalSafe shows every control character as an escape', async (t) => {
  const s = terminalSafe(HOSTILE);
  t.notMatch(s, ESCAPES, 'nothing a terminal would act on');
  t.equal(s, 'title\\x1b]0;pwned\\x07 \\x1b[2J\\x9b31m\\u202eevil\\u2066 \\x00\\x7f', 'each as a visible escape');
  t.equal(terminalSafe('a\nb'), 'a\\x0ab', 'a newline inside a value is escaped');
  t.equal(terminalSafe('line 1\nline 2\x1b', true), 'line 1\nline 2\\x1b', 'our own layout keeps its newlines');
  t.equal(terminalSafe('Grüße 日本 🚀'), 'Grüße 日本 🚀', 'printable Unicode untouched');
});

t.test('tables escape their cells', async (t) => {
  const out = table(
    ['ID', 'DESCRIPTION'],
    [
      ['t1', HOSTILE],
      ['t2', 'two\nlines'],
    ],
  );
  t.notMatch(out, ESCAPES_BUT_NL, 'nothing a terminal would act on');
  t.equal(out.split('\n').length, 3, 'a newline in a cell does not add a row');
  t.match(out, /\\x1b\]0;pwned\\x07/);
});

t.test('--json stays exact JSON', async (t) => {
  const v = { description: HOSTILE, n: 1, list: ['\u2028'] };
  const s = json(v);
  t.notMatch(s.replace(/\n/g, ''), ESCAPES, 'no raw control character outside the layout');
  t.same(JSON.parse(s), v, 'parses back to the same value');
  t.same(JSON.parse(json(v, 0)), v, 'one line too');
  t.notOk(json(v, 0).includes('\n'));
});
