import Table from 'cli-table3';
import { CONTROL_CHARS_RE } from '../../common/validate.js';

// Text from the controller (names, descriptions, reasons, event messages) may
// come from tenants and agents: on a terminal, an ESC sequence in it could set
// the window title, rewrite earlier lines or worse, and bidi overrides reorder
// what is shown. Human output shows such characters as visible escapes (\x1b,
// \u202e); --json stays exact JSON with them as \u escapes.
const UNSAFE = new RegExp(CONTROL_CHARS_RE.source, 'g');
const hex = (c: string, width: number) => c.charCodeAt(0).toString(16).padStart(width, '0');
const visible = (c: string) => (c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`);

/** `s` with every control, C1 and bidi character shown as an escape; `keepNewlines` for multi-line output we laid out ourselves. */
export function terminalSafe(s: string, keepNewlines = false): string {
  return s.replace(UNSAFE, (c) => (keepNewlines && c === '\n' ? c : visible(c)));
}

export function bytes(n: number | undefined): string {
  if (!n) return '0';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? v.toFixed(0) : v.toFixed(1)}${units[i]}`;
}

export function ago(ms: number | undefined, now = Date.now()): string {
  if (!ms) return '-';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export function when(ms: number | undefined): string {
  return ms ? new Date(ms).toISOString().replace('.000Z', 'Z') : '-';
}

export function enumWord(v: string | undefined, prefix: string): string {
  return (v ?? '').replace(prefix, '').toLowerCase() || '-';
}

/** How a human view is laid out: `-o wide` adds columns, `--no-headers` drops the header row. */
export interface View {
  headers: boolean;
  wide: boolean;
}

export function table(head: string[], rows: (string | number)[][], view?: View): string {
  const t = new Table({
    head: view?.headers === false ? [] : head,
    style: { head: [], border: [] },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
  });
  for (const r of rows) t.push(r.map((c) => terminalSafe(String(c))));
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** A show command's block: one `Label:  value` line per field, values aligned; an array value continues on indented lines. */
export function details(fields: [string, string | number | string[]][]): string {
  const width = Math.max(...fields.map(([k]) => k.length)) + 2;
  return fields
    .flatMap(([k, v]) => {
      const vals = Array.isArray(v) ? (v.length ? v : ['-']) : [String(v === '' ? '-' : v)];
      return vals.map((x, i) => `${(i ? '' : `${k}:`).padEnd(width)}${x}`);
    })
    .join('\n');
}

/** JSON.stringify escapes C0 controls; C1, bidi and separators are escaped here too (same JSON value). */
export function json(v: unknown, indent = 2): string {
  // Raw characters below 0x20 in JSON text are its own layout (strings have them escaped already).
  return JSON.stringify(v, null, indent).replace(UNSAFE, (c) => (c < ' ' ? c : `\\u${hex(c, 4)}`));
}
