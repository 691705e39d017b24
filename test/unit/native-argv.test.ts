// Our own argv tokenizer for native command lines (controller/schemes/native/argv.ts):
// quotes and escapes as a shell reads them, nothing a shell would run or expand.
import t from 'tap';
import { ARGV_LIMITS, quoteArgv, tokenize } from '../../controller/schemes/native/argv.js';

const refused = (line: string, re: RegExp) => {
  try {
    tokenize(line);
  } catch (e) {
    const err = e as { code: string; field: string; message: string };
    return err.code === 'INVALID_ARGUMENT' && err.field === 'command' && re.test(err.message);
  }
  return false;
};

t.test('words, quotes and escapes', async (t) => {
  t.same(tokenize('dominfo web-1'), ['dominfo', 'web-1']);
  t.same(tokenize('  start \t web-1  '), ['start', 'web-1'], 'runs of whitespace');
  t.same(tokenize(`start 'my vm'`), ['start', 'my vm'], 'single quotes');
  t.same(tokenize(`start "my vm"`), ['start', 'my vm'], 'double quotes');
  t.same(tokenize(`start my\\ vm`), ['start', 'my vm'], 'escaped space');
  t.same(tokenize(`a"b"'c'd`), ['abcd'], 'adjacent quoted parts make one word');
  t.same(tokenize(`x "" ''`), ['x', '', ''], 'empty words are words');
  t.same(tokenize(`"a \\"q\\" \\\\ \\$ \\\` b"`), ['a "q" \\ $ ` b'], 'escapes inside double quotes');
  t.same(tokenize(`"a\\nb"`), ['a\\nb'], 'other backslashes are literal in double quotes');
  t.same(tokenize(`'$(rm -rf /); \`x\` | y'`), ['$(rm -rf /); `x` | y'], 'single quotes keep everything literal');
  t.same(tokenize('a\\\nb'), ['ab'], 'backslash-newline joins');
  t.same(tokenize('*.vmx ~ {a,b}'), ['*.vmx', '~', '{a,b}'], 'no globbing, no tilde or brace expansion');
  t.same(tokenize(''), []);
});

t.test('hostile input is refused, never run', async (t) => {
  t.ok(refused('start web-1; rm -rf /', /shell operator ";" at position 12/));
  t.ok(refused('start web-1 | sh', /shell operator "\|"/));
  t.ok(refused('start web-1 && reboot', /shell operator "&"/));
  t.ok(refused('start web-1 > /etc/passwd', /shell operator ">"/));
  t.ok(refused('start < /dev/sda', /shell operator "<"/));
  t.ok(refused('start `id`', /shell operator "`"/));
  t.ok(refused('start $(id)', /expansion \(\$\)/));
  t.ok(refused('start $HOME', /expansion/));
  t.ok(refused('start "$(id)"', /expansion \(\$\) at position 8/));
  t.ok(refused('start "`id`"', /expansion \(`\)/));
  t.ok(refused("start 'web-1", /unterminated single quote at position 7/));
  t.ok(refused('start "web-1', /unterminated double quote/));
  t.ok(refused('start web-1\\', /trailing backslash/));
  t.ok(refused('start web\u00001', /control character at position 10/), 'NUL');
  t.ok(refused('start \u001b[31mweb', /control character/), 'ESC (terminal sequences)');
  t.ok(refused('start \u202eweb', /control character/), 'bidi override');
  t.ok(refused('x'.repeat(ARGV_LIMITS.maxChars + 1), /longer than 4096 characters/));
  t.ok(refused('a '.repeat(ARGV_LIMITS.maxTokens + 1), /more than 64 words/));
  t.ok(refused(`'${'y'.repeat(ARGV_LIMITS.maxTokenChars + 1)}'`, /word 1 is longer than 1024 characters/));
  t.throws(() => tokenize(42 as unknown as string), /must be a string/);
  // Exactly at the limits: accepted.
  t.equal(tokenize('a '.repeat(ARGV_LIMITS.maxTokens)).length, ARGV_LIMITS.maxTokens);
  t.equal(tokenize('z'.repeat(ARGV_LIMITS.maxTokenChars))[0]!.length, ARGV_LIMITS.maxTokenChars);
});

t.test('quoteArgv is the inverse of tokenize (the CLI sends argv this way)', async (t) => {
  const cases = [
    ['dominfo', 'web-1'],
    ['start', 'my vm', "it's", 'a"b', '$(id)', '; rm -rf /', '`x`', '', '\\', '--all', '/nephele/acme/web-1.vmx'],
  ];
  for (const argv of cases) t.same(tokenize(quoteArgv(argv)), argv, JSON.stringify(argv));
  t.equal(quoteArgv(['list', '--all']), 'list --all', 'plain words stay plain');
});
