// Parsing and validation of agent flags that carry structure (labels, percentages,
// durations), so a typo stops the agent with one clear line instead of a host
// that silently advertises the wrong thing.
import { Option, type Command } from 'commander';
import { LABEL_KEY_RE, parseDuration } from '../common/validate.js';
import { MAX_FENCE_AFTER_MS, MIN_FENCE_AFTER_MS } from './fence/lease.js';

export class FlagError extends Error {
  constructor(flag: string, problem: string) {
    super(`${flag}: ${problem}`);
    this.name = 'FlagError';
  }
}

const LABEL_VALUE_RE = /^[\x20-\x7e]{0,63}$/;

/** `k=v` items (from repeated --label flags and/or a comma-separated env value) into a map. */
export function parseLabels(items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new FlagError('--label', `${JSON.stringify(item.slice(0, 80))} is not key=value`);
    const k = item.slice(0, eq);
    const v = item.slice(eq + 1);
    if (!LABEL_KEY_RE.test(k))
      throw new FlagError('--label', `key ${JSON.stringify(k.slice(0, 80))} must match [a-z0-9][a-z0-9._/-]{0,62}`);
    if (!LABEL_VALUE_RE.test(v))
      throw new FlagError('--label', `value of ${k} must be at most 63 printable ASCII characters`);
    if (k in out && out[k] !== v) throw new FlagError('--label', `${k} given twice with different values`);
    out[k] = v;
  }
  return out;
}

export function parseDurationFlag(flag: string, v: string): number {
  try {
    return parseDuration(String(v));
  } catch (e) {
    throw new FlagError(flag, (e as Error).message);
  }
}

/** --fence-after: how long guests outlive a dead agent. Checked against the controller's window later (Welcome). */
export function parseFenceAfter(v: string): number {
  const ms = parseDurationFlag('--fence-after', v);
  if (ms < MIN_FENCE_AFTER_MS || ms > MAX_FENCE_AFTER_MS)
    throw new FlagError('--fence-after', `${JSON.stringify(String(v).slice(0, 40))} must be from 1s to 1h`);
  return ms;
}

export function parseNumberFlag(
  flag: string,
  v: string,
  opts: { min: number; max: number; integer?: boolean },
): number {
  const n = Number(String(v).trim().replace(/%$/, ''));
  if (
    String(v).trim() === '' ||
    !Number.isFinite(n) ||
    n < opts.min ||
    n > opts.max ||
    (opts.integer && !Number.isInteger(n))
  ) {
    throw new FlagError(
      flag,
      `${JSON.stringify(String(v).slice(0, 40))} must be ${opts.integer ? 'an integer' : 'a number'} from ${opts.min} to ${opts.max}`,
    );
  }
  return n;
}

/** Comma-separated list, blanks dropped. */
export function parseList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const items = String(v)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/** A flag that may come from the environment: --help names the variable, never its value. */
export function envOption(flags: string, description: string, variable: string, def?: string): Option {
  const o = new Option(flags, description).env(variable);
  return def === undefined ? o : o.default(def);
}

/**
 * What commander leaves raw when a flag came from its variable: a list variable
 * (NEPHELE_LABELS=k=v,k2=v2) holds several items, and a boolean one
 * (NEPHELE_OFFER_GUARANTEES) says true or false rather than being merely set.
 */
export function fromEnvironment(program: Command, o: Record<string, unknown>): void {
  if (program.getOptionValueSource('label') === 'env') o.label = parseList(process.env.NEPHELE_LABELS) ?? [];
  if (program.getOptionValueSource('offerGuarantees') === 'env') {
    const v = String(process.env.NEPHELE_OFFER_GUARANTEES).trim().toLowerCase();
    if (!['1', 'true', '0', 'false', ''].includes(v))
      throw new FlagError('NEPHELE_OFFER_GUARANTEES', `${JSON.stringify(v.slice(0, 20))} must be 1, true, 0 or false`);
    o.offerGuarantees = v === '1' || v === 'true';
  }
}

/**
 * A boolean flag that commander's Option.env() set from the environment is true
 * whenever the variable exists; "0", "false", "no", "off" and "" mean false.
 */
export function envBoolean(value: unknown, source: string | undefined, raw: string | undefined): boolean {
  if (source !== 'env') return !!value;
  return !['', '0', 'false', 'no', 'off'].includes(
    String(raw ?? '')
      .trim()
      .toLowerCase(),
  );
}
