import { bad, checkSize } from './common.js';

// A QEMU command line as written in a script or a libvirt log: words split on
// blanks, 'single' and "double" quotes, backslash escapes and line continuations.
// Our own tokenizer (never a shell): shell operators and substitutions are refused.

export interface Word {
  text: string;
  /** 0-based position in argv. */
  index: number;
  line: number;
}
const MAX_WORDS = 10_000;

export const where = (w: Word) => `argv[${w.index}] (line ${w.line})`;

export function splitArgv(text: string): Word[] {
  checkSize(text);
  const words: Word[] = [];
  let line = 1;
  let cur: string | undefined;
  let curLine = 1;
  const fail = (problem: string) => bad(`line ${line}`, problem);
  const push = () => {
    if (cur === undefined) return;
    if (words.length >= MAX_WORDS) throw fail(`more than ${MAX_WORDS} words`);
    words.push({ text: cur, index: words.length, line: curLine });
    cur = undefined;
  };
  const start = () => {
    if (cur === undefined) {
      cur = '';
      curLine = line;
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      push();
      line++;
    } else if (c === ' ' || c === '\t' || c === '\r') push();
    else if (c === '#' && cur === undefined) while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    else if (c === '\\') {
      const n = text[++i];
      if (n === undefined) throw fail('a backslash ends the text');
      if (n === '\n')
        line++; // continuation
      else if (n !== '\r' || text[i + 1] !== '\n') {
        start();
        cur += n;
      } else {
        i++;
        line++;
      }
    } else if (c === "'") {
      start();
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw fail('unterminated single quote');
      const s = text.slice(i + 1, end);
      line += s.split('\n').length - 1;
      cur += s;
      i = end;
    } else if (c === '"') {
      start();
      for (i++; ; i++) {
        const q = text[i];
        if (q === undefined) throw fail('unterminated double quote');
        if (q === '"') break;
        if (q === '$' || q === '`') throw fail('shell substitutions are not accepted');
        if (q === '\\' && /["\\$`]/.test(text[i + 1] ?? '')) cur += text[++i];
        else {
          if (q === '\n') line++;
          cur += q;
        }
      }
    } else if (/[|;&<>`$()]/.test(c))
      throw fail(`shell syntax ${JSON.stringify(c)} is not accepted (no shell runs this)`);
    else {
      start();
      cur += c;
    }
  }
  push();
  return words;
}

/** One word quoted for a POSIX shell when it needs it. */
export function quoteWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A QEMU option argument: `implied,key=value,...` with `,,` for a literal comma. */
export function qemuOpts(v: string, implied: string): [string, string][] {
  const out: [string, string][] = [];
  let part = '';
  const flush = () => {
    const eq = part.indexOf('=');
    if (eq < 0) out.push(out.length === 0 && implied ? [implied, part] : [part, 'on']);
    else out.push([part.slice(0, eq), part.slice(eq + 1)]);
    part = '';
  };
  for (let i = 0; i < v.length; i++) {
    if (v[i] === ',' && v[i + 1] === ',') {
      part += ',';
      i++;
    } else if (v[i] === ',') flush();
    else part += v[i];
  }
  flush();
  return out;
}

/** The inverse of qemuOpts for one value. */
export const optValue = (s: string) => s.replace(/,/g, ',,');
