// Management tokens and configuration changes as they arrive: checked, never echoed.
import { createHash, randomBytes } from 'node:crypto';
import type { ConfigFile__Output as WireFile } from '../../common/gen/nephele/v1/ConfigFile.js';
import { InvalidArgumentError } from '../../common/errors.js';
import {
  CONFIG_KEY_RE,
  CONFIG_MAX_ENTRIES,
  CONFIG_VALUE_MAX,
  MAX_DISK_GIB,
  MAX_MEMORY_MIB,
  MAX_VCPUS,
} from '../../common/limits.js';
import type { ConfigFile, ConfigRequest } from '../model/index.js';

/** 128 random bits, base64url: 22 characters. */
export const newToken = (): string => randomBytes(16).toString('base64url');
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The shape of a token; the value itself is never put in an error, log or record. */
export function requireToken(v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(v))
    throw new InvalidArgumentError('token', 'is not a management token (22 base64url characters)');
  return v;
}

export const MAX_FILES = 16;
export const MAX_FILE_BYTES = 256 * 1024;
export const MAX_FILES_BYTES = 1024 * 1024;
const PATH_RE = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+){0,7}$/;

export interface WireConfig {
  config?: Record<string, string>;
  files?: WireFile[];
  applianceVersion?: string;
  vcpus?: number;
  memoryMib?: number;
  diskGib?: number;
}

/** A configuration change, checked; every error names its field under `field` ('' = top level). */
export function validateConfig(r: WireConfig, field = ''): ConfigRequest {
  const f = (n: string) => (field ? `${field}.${n}` : n);
  const config: Record<string, string> = {};
  const entries = Object.entries(r.config ?? {});
  if (entries.length > CONFIG_MAX_ENTRIES)
    throw new InvalidArgumentError(f('config'), `at most ${CONFIG_MAX_ENTRIES} keys`);
  for (const [k, v] of entries) {
    if (!CONFIG_KEY_RE.test(k))
      throw new InvalidArgumentError(
        f('config'),
        `key ${JSON.stringify(k.slice(0, 40))} must match ${CONFIG_KEY_RE.source}`,
      );
    if (typeof v !== 'string' || v.length > CONFIG_VALUE_MAX || /[\n\r]/.test(v))
      throw new InvalidArgumentError(f(`config.${k}`), `must be one line of at most ${CONFIG_VALUE_MAX} characters`);
    config[k] = v;
  }
  const wire = r.files ?? [];
  if (wire.length > MAX_FILES) throw new InvalidArgumentError(f('files'), `at most ${MAX_FILES} files`);
  let total = 0;
  const seen = new Set<string>();
  const files: ConfigFile[] = wire.map((x, i) => {
    const p = x.path ?? '';
    if (!PATH_RE.test(p) || p.split('/').some((s) => s === '.' || s === '..'))
      throw new InvalidArgumentError(
        f(`files[${i}].path`),
        'must be a relative path of letters, digits, . _ - (no . or ..)',
      );
    if (seen.has(p)) throw new InvalidArgumentError(f(`files[${i}].path`), 'is given twice');
    seen.add(p);
    const content = Buffer.from(x.content ?? []);
    if (content.length > MAX_FILE_BYTES)
      throw new InvalidArgumentError(f(`files[${i}].content`), `at most ${MAX_FILE_BYTES} bytes`);
    total += content.length;
    if (total > MAX_FILES_BYTES) throw new InvalidArgumentError(f('files'), `at most ${MAX_FILES_BYTES} bytes in all`);
    const mode = x.mode || 0o644;
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o777)
      throw new InvalidArgumentError(f(`files[${i}].mode`), 'must be a permission mode (at most 0777)');
    return { path: p, contentB64: content.toString('base64'), mode };
  });
  const applianceVersion = r.applianceVersion ?? '';
  if (!/^[A-Za-z0-9._+-]{0,64}$/.test(applianceVersion))
    throw new InvalidArgumentError(f('appliance_version'), 'at most 64 letters, digits and . _ + -');
  const num = (n: string, v: number | undefined, min: number, max: number) => {
    const x = v ?? 0;
    if (x !== 0 && (!Number.isInteger(x) || x < min || x > max))
      throw new InvalidArgumentError(f(n), `must be 0 (unchanged) or between ${min} and ${max}`);
    return x;
  };
  return {
    config,
    files,
    applianceVersion,
    vcpus: num('vcpus', r.vcpus, 1, MAX_VCPUS),
    memoryMib: num('memory_mib', r.memoryMib, 64, MAX_MEMORY_MIB),
    diskGib: num('disk_gib', r.diskGib, 1, MAX_DISK_GIB),
  };
}

export const isEmptyChange = (c: ConfigRequest): boolean =>
  !Object.keys(c.config).length && !c.files.length && !c.applianceVersion && !c.vcpus && !c.memoryMib && !c.diskGib;
