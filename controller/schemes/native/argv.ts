// Our own argv parsing for native command lines: POSIX-shell-like quoting and
// escapes, and nothing else. No shell ever runs: no expansion ($, `, ~, globs),
// and the shell's operators (; | & < > and the like) unquoted are refused rather
// than taken as text, so a pasted "start web-1; rm -rf /" says what it is.
import { InvalidArgumentError } from '../../../common/errors.js';

export const ARGV_LIMITS = { maxChars: 4096, maxTokens: 64, maxTokenChars: 1024 };

const FIELD = 'command';
const SPACE = new Set([' ', '\t', '\n', '\r']);
const OPERATORS = new Set([';', '|', '&', '<', '>', '`', '(', ')']);
// Controls other than the whitespace above, DEL, C1, bidi overrides, line separators.
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

function bad(problem: string): never {
  throw new InvalidArgumentError(FIELD, problem);
}

/**
 * Splits a command line into words: whitespace separates; '…' is literal;
 * "…" is literal except \" \\ \$ \` and \<newline>; \x outside quotes is x.
 * Refuses control characters, unbalanced quotes, a trailing backslash, shell
 * operators and $ (expansion) outside quotes, and anything over ARGV_LIMITS.
 */
export function tokenize(line: string, limits = ARGV_LIMITS): string[] {
  if (typeof line !== 'string') bad('must be a string');
  if (line.length > limits.maxChars) bad(`longer than ${limits.maxChars} characters`);
  const ctl = CONTROL_RE.exec(line);
  if (ctl) bad(`control character at position ${ctl.index + 1}`);
  const out: string[] = [];
  let cur: string | undefined; // undefined: between words ('' is a word: "")
  const push = (s: string) => {
    cur = (cur ?? '') + s;
    if (cur.length > limits.maxTokenChars)
      bad(`word ${out.length + 1} is longer than ${limits.maxTokenChars} characters`);
  };
  const end = () => {
    if (cur === undefined) return;
    if (out.length === limits.maxTokens) bad(`more than ${limits.maxTokens} words`);
    out.push(cur);
    cur = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (SPACE.has(c)) end();
    else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) bad(`unterminated single quote at position ${i + 1}`);
      push(line.slice(i + 1, close));
      i = close;
    } else if (c === '"') {
      let s = '';
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1]!)) {
          if (line[j + 1] !== '\n') s += line[j + 1];
          j++;
        } else if (line[j] === '$' || line[j] === '`')
          bad(`expansion (${line[j]}) at position ${j + 1} is not supported`);
        else s += line[j];
      }
      if (j >= line.length) bad(`unterminated double quote at position ${i + 1}`);
      push(s);
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= line.length) bad('trailing backslash');
      if (line[i + 1] !== '\n') push(line[i + 1]!);
      i++;
    } else if (OPERATORS.has(c))
      bad(`shell operator "${c}" at position ${i + 1}: no shell runs here; quote it if meant`);
    else if (c === '$') bad(`expansion ($) at position ${i + 1} is not supported; quote it with '…' if meant`);
    else push(c);
  }
  end();
  return out;
}

const PLAIN_RE = /^[A-Za-z0-9@%+=:,./_-]+$/;

/** The inverse of tokenize(): a line that tokenizes back to `args` (the CLI sends its argv this way). */
export function quoteArgv(args: string[]): string {
  return args.map((a) => (PLAIN_RE.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
