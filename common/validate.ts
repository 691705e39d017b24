import { InvalidArgumentError } from './errors.js';
import { ULID_RE } from './ids.js';

// Request validation helpers: each throws InvalidArgumentError naming the field.

export const MAX_STRING = 1024;
export const MAX_NAME = 63;

/**
 * Characters that steer a terminal or reorder text rather than print: C0 and
 * C1 controls (ESC starts terminal sequences), DEL, bidi overrides and
 * isolates ("Trojan Source"), line and paragraph separators.
 */
export const CONTROL_CHARS_RE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** `multiline`: line breaks (\n, \r) are allowed, e.g. in PEM text; every other control character is refused. */
export function requireString(
  field: string,
  v: unknown,
  opts: { max?: number; min?: number; multiline?: boolean } = {},
): string {
  if (typeof v !== 'string') throw new InvalidArgumentError(field, 'must be a string');
  const min = opts.min ?? 1;
  if (v.length === 0 && min > 0) throw new InvalidArgumentError(field, 'is required');
  if (v.length < min) throw new InvalidArgumentError(field, `shorter than ${min} characters`);
  const max = opts.max ?? MAX_STRING;
  if (v.length > max) throw new InvalidArgumentError(field, `longer than ${max} characters`);
  if (CONTROL_CHARS_RE.test(opts.multiline ? v.replace(/\r?\n/g, '') : v))
    throw new InvalidArgumentError(field, 'must not contain control characters');
  return v;
}

export function optionalString(field: string, v: unknown, max = MAX_STRING): string {
  if (v === undefined || v === null || v === '') return '';
  return requireString(field, v, { max });
}

export function requireId(field: string, v: unknown): string {
  const s = requireString(field, v, { max: 64 });
  if (!ULID_RE.test(s)) throw new InvalidArgumentError(field, 'is not a valid id');
  return s;
}

const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export function requireName(field: string, v: unknown): string {
  const s = requireString(field, v, { max: MAX_NAME });
  if (!NAME_RE.test(s))
    throw new InvalidArgumentError(field, 'must be lowercase letters, digits and dashes, at most 63 characters');
  return s;
}

export function requestId(v: unknown): string {
  const s = optionalString('request_id', v, 128);
  if (s && !/^[A-Za-z0-9._:-]+$/.test(s))
    throw new InvalidArgumentError('request_id', 'may hold only letters, digits and . _ : -');
  return s;
}

export function pageSize(v: unknown, def = 100, max = 1000): number {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('page_size', 'must be a non-negative integer');
  if (n > max) throw new InvalidArgumentError('page_size', `at most ${max}`);
  return n === 0 ? def : n;
}

export function requireEnum<T extends string>(
  field: string,
  v: unknown,
  allowed: readonly T[],
  opts: { optional?: boolean } = {},
): T | undefined {
  if ((v === undefined || v === '' || (typeof v === 'string' && v.endsWith('_UNSPECIFIED'))) && opts.optional)
    return undefined;
  if (typeof v !== 'string' || !allowed.includes(v as T))
    throw new InvalidArgumentError(field, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** Parses "90s", "15m", "1h", "7d" (or plain seconds) into milliseconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) throw new Error(`not a duration: ${JSON.stringify(s)} (use e.g. 30s, 15m, 1h, 7d)`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    (m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Math.round(n * unit);
}

export { LABEL_KEY_RE } from './limits.js';
