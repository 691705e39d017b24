import { bad, checkSize } from './common.js';

// Xen xl.cfg's syntax (libxlu): `key = value` settings, values a quoted string,
// a number or a [ list ] of them spanning lines, `#` comments, `;` or newline
// between settings. Read by a small scanner of our own (no eval, no regexes over
// the whole file); every setting remembers its line.

export type XlValue = string | XlValue[];
export interface XlSetting {
  key: string;
  value: XlValue;
  line: number;
  used: boolean;
}
const MAX_SETTINGS = 2000;
const MAX_LIST = 256;

export function readXl(text: string): Map<string, XlSetting> {
  checkSize(text);
  let i = 0;
  let line = 1;
  const out = new Map<string, XlSetting>();
  const fail = (problem: string) => bad(`line ${line}`, problem);
  const skip = (newlines: boolean) => {
    for (;;) {
      const c = text[i];
      if (c === '#') while (i < text.length && text[i] !== '\n') i++;
      else if (c === ' ' || c === '\t' || c === '\r') i++;
      else if (c === '\n' && newlines) {
        line++;
        i++;
      } else return;
    }
  };
  const ident = () => {
    const start = i;
    while (i < text.length && /[A-Za-z0-9_.]/.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  const str = (q: string): string => {
    i++;
    let s = '';
    for (;;) {
      const c = text[i++];
      if (c === undefined || c === '\n') throw fail('unterminated string');
      if (c === q) return s;
      if (c === '\\') {
        const e = text[i++];
        s += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
      } else s += c;
    }
  };
  const value = (depth: number): XlValue => {
    const c = text[i];
    if (c === '"' || c === "'") return str(c);
    if (c === '[') {
      if (depth > 2) throw fail('lists nested too deep');
      i++;
      const list: XlValue[] = [];
      for (;;) {
        skip(true);
        if (text[i] === ']') {
          i++;
          return list;
        }
        if (list.length >= MAX_LIST) throw fail(`more than ${MAX_LIST} list entries`);
        list.push(value(depth + 1));
        skip(true);
        if (text[i] === ',') i++;
        else if (text[i] !== ']') throw fail('expected , or ] in a list');
      }
    }
    const start = i;
    while (i < text.length && /[0-9A-Za-z_.+-]/.test(text[i]!)) i++;
    if (i === start) throw fail(c === undefined ? 'a value is missing' : `unexpected ${JSON.stringify(c)}`);
    return text.slice(start, i);
  };
  for (;;) {
    skip(true);
    if (i >= text.length) return out;
    if (text[i] === ';') {
      i++;
      continue;
    }
    const at = line;
    const key = ident();
    if (!key) throw fail(`expected a setting name, found ${JSON.stringify(text[i])}`);
    skip(false);
    if (text[i] !== '=') throw fail(`expected = after ${key.slice(0, 40)}`);
    i++;
    skip(false);
    const v = value(0);
    if (out.has(key)) throw bad(`line ${at}`, `${key} repeats line ${out.get(key)!.line}`);
    if (out.size >= MAX_SETTINGS) throw fail(`more than ${MAX_SETTINGS} settings`);
    out.set(key, { key, value: v, line: at, used: false });
    skip(false);
    if (i < text.length && text[i] !== '\n' && text[i] !== ';')
      throw fail(`unexpected ${JSON.stringify(text[i])} after ${key.slice(0, 40)}`);
  }
}

/** A setting written back in xl syntax (for lossy values and render). */
export function xlValue(v: XlValue): string {
  if (Array.isArray(v)) return `[ ${v.map(xlValue).join(', ')} ]`;
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}
