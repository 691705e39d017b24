// Strict parsing of the numbers and sizes people type: anything that is not
// exactly a number of the kind the flag takes is refused with one line naming
// the flag (`Number('abc')` is NaN and `Number('1.5')` is not a count).
import { parseSize } from '../../common/size.js';
import { parseDuration } from '../../common/validate.js';
import { CliError } from './client.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** A whole number in [min, max]. */
export function wholeNumber(flag: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const s = String(v).trim();
  if (!/^\d+$/.test(s)) throw new CliError(`${flag}: ${JSON.stringify(String(v))} is not a whole number`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new CliError(`${flag}: must be between ${min} and ${max}`);
  return n;
}

/**
 * A size in whole units of `unit` (MiB for memory, GiB for disk): with a unit
 * ("512M", "1G", "1.5GiB") or a bare number, which counts in `unit` as these
 * flags always have.
 */
function sizeIn(flag: string, v: unknown, unit: number, unitName: string): number {
  const s = String(v).trim();
  if (/^\d+$/.test(s)) return wholeNumber(flag, s);
  let bytes: number;
  try {
    bytes = parseSize(s);
  } catch {
    throw new CliError(
      `${flag}: ${JSON.stringify(String(v))} is not a size (e.g. 512M, 1G, 1.5GiB; a bare number is ${unitName})`,
    );
  }
  if (bytes % unit !== 0)
    throw new CliError(`${flag}: ${JSON.stringify(String(v))} is not a whole number of ${unitName}`);
  return bytes / unit;
}

export const mebibytes = (flag: string, v: unknown): number => sizeIn(flag, v, MiB, 'MiB');
export const gibibytes = (flag: string, v: unknown): number => sizeIn(flag, v, GiB, 'GiB');

/** A byte size with or without a unit ("64G", "1073741824"). */
export function byteSize(flag: string, v: unknown): number {
  try {
    return parseSize(String(v));
  } catch (e) {
    throw new CliError(`${flag}: ${(e as Error).message}`);
  }
}

/** A duration ("90s", "5m", "1h"; a bare number is seconds). */
export function duration(flag: string, v: unknown): number {
  try {
    return parseDuration(String(v));
  } catch {
    throw new CliError(`${flag}: ${JSON.stringify(String(v))} is not a duration (e.g. 90s, 5m, 1h)`);
  }
}

/** `k=v` pairs of a repeatable flag (`--config title=Hello --config x=1`). */
export function keyValues(flag: string, list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i < 1) throw new CliError(`${flag} wants key=value, got ${JSON.stringify(kv)}`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/**
 * A point in time (`--from`, `--to`, usage and backup plans alike): an ISO 8601
 * time (`2026-12-01`, `2026-12-01T10:00:00Z`), unix milliseconds, `now`, or a
 * duration ago (`2h`, `-2h`, `7d`). Empty is 0 (no bound).
 */
export function timeFlag(flag: string, v: string | undefined, now = Date.now()): number {
  if (v === undefined || v === '') return 0;
  if (v === 'now') return now;
  if (/^\d+$/.test(v)) {
    const ms = Number(v);
    if (!Number.isSafeInteger(ms)) throw new CliError(`${flag}: ${v} is not a unix time in milliseconds`);
    return ms;
  }
  if (/^-?\d+(\.\d+)?(ms|s|m|h|d)$/.test(v)) return Math.max(0, now - parseDuration(v.replace(/^-/, '')));
  const t = Date.parse(v);
  if (!Number.isFinite(t) || t < 0)
    throw new CliError(`${flag}: ${JSON.stringify(v)} is not an ISO time, unix ms, now, or a duration ago (2h, 7d)`);
  return t;
}
