// Management-instance operations over the guest channel (see scripts/guest/agent.sh):
// the token (token-put/get/rm), configuration changes (config-set/rm, file
// uploads, appliance version, appliance restart). The token only ever travels
// inside a guest-channel line: errors name the command's verb, never its
// arguments (guest-channel.ts labels requests by their first word).
import { createHash } from 'node:crypto';
import { CONFIG_KEY_RE, CONFIG_VALUE_MAX, MANIFEST_FILE, MANIFEST_MAX_BYTES } from '../../../common/limits.js';
import { DriverError, type ConfigApply } from '../driver.js';
import { GuestError, type GuestChannel } from './guest-channel.js';
import { execGuest } from './monitor.js';

/** One word the guest agent stores as is (the controller's tokens are base64url / hex). */
export const TOKEN_RE = /^[A-Za-z0-9_-]{16,256}$/;
/** A file a management change writes (relative to the data disk's root; the guest checks again). */
export const FILE_PATH_RE = /^(?!\/)(?!.*\/\/)[A-Za-z0-9._/-]{1,255}$/;
export const MAX_FILE_BYTES = 1024 * 1024;
/** Raw bytes per file-add line: 4.5 KiB → 6 KiB of base64, under the agent's 8 KiB line limit. */
const CHUNK = 4608;
/** The config key the appliance version is kept under. */
export const VERSION_KEY = 'appliance_version';

const bad = (what: string): never => {
  throw new DriverError(`invalid management change: ${what}`, 'INVALID_SPEC');
};

/** The token the guest holds, or undefined. */
export async function tokenGet(ga: GuestChannel): Promise<string | undefined> {
  try {
    const v = (await ga.request('token-get', 5_000)).trim();
    return v || undefined;
  } catch (e) {
    if (e instanceof GuestError && e.guestMessage === 'none') return undefined;
    throw e;
  }
}

export async function tokenPut(ga: GuestChannel, token: string): Promise<void> {
  if (!TOKEN_RE.test(token)) bad('token must be 16-256 of [A-Za-z0-9_-]');
  await ga.request(`token-put ${token}`, 10_000);
  // Read back: an agent that lost the write must not leave the controller believing it holds the token.
  if ((await tokenGet(ga)) !== token) throw new DriverError('the guest did not keep the token', 'FAILED');
}

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

export async function tokenHash(ga: GuestChannel): Promise<string> {
  const t = await tokenGet(ga);
  return t ? sha256Hex(t) : '';
}

export async function tokenRemove(ga: GuestChannel): Promise<void> {
  await ga.request('token-rm', 10_000);
  if ((await tokenGet(ga)) !== undefined)
    throw new DriverError('the token is still in the guest after token-rm', 'FAILED');
}

/** Checks a change before anything of it reaches the guest (all or nothing for bad input). */
export function validateChange(change: ConfigApply): void {
  for (const [k, v] of Object.entries(change.config ?? {})) {
    if (!CONFIG_KEY_RE.test(k)) bad(`config key ${JSON.stringify(k)}`);
    if (typeof v !== 'string' || /[\r\n]/.test(v) || v.length > CONFIG_VALUE_MAX) bad(`config ${k}: one line`);
  }
  for (const f of change.files ?? []) {
    const segs = f.path.split('/');
    if (!FILE_PATH_RE.test(f.path) || segs.some((s) => s === '.' || s === '..') || segs[0] === 'token')
      bad(`files path ${JSON.stringify(f.path)}`);
    if (f.content.length > MAX_FILE_BYTES) bad(`files ${f.path}: over ${MAX_FILE_BYTES} bytes`);
    if (!Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o7777) bad(`files ${f.path}: mode`);
  }
  if (/[\s]/.test(change.applianceVersion ?? '') || (change.applianceVersion ?? '').length > CONFIG_VALUE_MAX)
    bad('appliance_version: one word');
}

/** Applies config keys, files and the appliance version, then restarts the appliance so it re-reads them. */
export async function configure(ga: GuestChannel, change: ConfigApply): Promise<void> {
  validateChange(change);
  for (const [k, v] of Object.entries(change.config ?? {}))
    await ga.request(v === '' ? `config-rm ${k}` : `config-set ${k} ${v}`, 5_000);
  for (const f of change.files ?? []) {
    await ga.request('file-begin', 5_000);
    for (let off = 0; off < f.content.length; off += CHUNK)
      await ga.request(`file-add ${f.content.subarray(off, off + CHUNK).toString('base64')}`, 10_000);
    await ga.request(`file-end ${f.path} ${f.mode.toString(8).padStart(3, '0')}`, 10_000);
  }
  if (change.applianceVersion) await ga.request(`config-set ${VERSION_KEY} ${change.applianceVersion}`, 5_000);
  await ga.request('app-stop', 10_000);
  const st = await ga.request('app-start', 10_000);
  if (st.trim() !== 'running') throw new DriverError(`the appliance did not start again (${st.trim()})`, 'FAILED');
}

/** Raw bytes per exec: 192 → 256 base64 characters, the most of an exec's output the guest returns. */
const MANIFEST_CHUNK = 192;

/**
 * The appliance's nephele-manifest.json from the data disk, through the guest
 * agent's existing `exec` (no guest image change): its size first, then
 * base64 chunks. '' when it has none; refused when not a regular file or over
 * MANIFEST_MAX_BYTES.
 */
export async function readManifestGuest(ga: GuestChannel, path = `/data/${MANIFEST_FILE}`): Promise<string> {
  const sh = async (script: string) => {
    const r = await execGuest(ga, ['sh', '-c', script], 10_000);
    if (r.exitCode !== 0) throw new DriverError(`manifest: exit ${r.exitCode}`, 'FAILED');
    return r.output.trim();
  };
  const size = await sh(
    `if [ -L ${path} ]; then echo link; elif [ -f ${path} ]; then wc -c < ${path}; else echo none; fi`,
  );
  if (size === 'none') return '';
  if (!/^\d{1,9}$/.test(size)) throw new DriverError('manifest: not a regular file', 'FAILED');
  const n = Number(size);
  if (n > MANIFEST_MAX_BYTES) throw new DriverError(`manifest: larger than ${MANIFEST_MAX_BYTES} bytes`, 'FAILED');
  const parts: Buffer[] = [];
  for (let off = 0; off < n; off += MANIFEST_CHUNK)
    parts.push(
      Buffer.from(await sh(`tail -c +${off + 1} ${path} | head -c ${MANIFEST_CHUNK} | base64 -w 0`), 'base64'),
    );
  return Buffer.concat(parts).subarray(0, n).toString('utf8');
}
