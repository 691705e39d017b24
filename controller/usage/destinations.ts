import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Backoff } from '../../agent/backoff.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { writeFileAtomic } from '../../common/fs-atomic.js';
import { requireString } from '../../common/validate.js';
import type { UsageFilter } from './model.js';

// Where scheduled exports go: a directory under --usage-export-dir, an
// http(s) endpoint (POST, retried with backoff), or a peer controller.

const SEGMENT_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,62}$/;

/** A relative directory under the export dir: plain segments only (no '..', no absolute path). */
export function directoryArg(field: string, v: unknown): string {
  const s = requireString(field, v, { max: 255 });
  const parts = s.split('/').filter((p) => p !== '' && p !== '.');
  if (s.startsWith('/') || !parts.length || parts.some((p) => p === '..' || !SEGMENT_RE.test(p)))
    throw new InvalidArgumentError(field, 'must be a relative path of plain names (letters, digits, . _ -; no ..)');
  return parts.join('/');
}

export function urlArg(field: string, v: unknown): string {
  const s = requireString(field, v, { max: 2048 });
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new InvalidArgumentError(field, 'is not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InvalidArgumentError(field, 'must be http or https');
  return u.toString();
}

/** A tenant's directories live in its own subdirectory of the export dir. */
export const tenantDirectory = (dir: string, scope: string | undefined): string =>
  scope === undefined ? dir : `${scope}/${dir}`;

/** Writes one export file atomically (a reader never sees half of it). */
export async function writeToDirectory(exportDir: string, dir: string, file: string, data: Buffer): Promise<string> {
  const path = join(exportDir, dir);
  await mkdir(path, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(path, file), data, { mode: 0o600 });
  return join(path, file);
}

export interface PostOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
  timeoutMs: number;
  sleep(ms: number): Promise<void>;
}

export const DEFAULT_POST: PostOptions = {
  attempts: 5,
  baseMs: 500,
  maxMs: 10_000,
  timeoutMs: 60_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** Client errors other than timeouts and throttling will not change on a retry. */
const retriable = (status: number) => status >= 500 || status === 408 || status === 429;

/** POSTs `data`; retries failures with exponential backoff (jittered), a bounded number of times. */
export async function postWithRetries(
  url: string,
  data: Buffer,
  contentType: string,
  headers: Record<string, string>,
  o: PostOptions = DEFAULT_POST,
): Promise<{ attempts: number }> {
  const backoff = new Backoff(o.baseMs, o.maxMs);
  let last = '';
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        body: data,
        headers: { 'content-type': contentType, ...headers },
        signal: AbortSignal.timeout(o.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { attempts: attempt };
      last = `HTTP ${res.status}`;
      if (!retriable(res.status)) break;
    } catch (e) {
      last = (e as Error).message;
    }
    if (attempt < o.attempts) await o.sleep(backoff.next());
  }
  throw new Error(`POST failed: ${last}`);
}

/** SEAM: helper `fed`'s push of a filtered subset to a peer controller (ImportUsage there). */
export type PushToPeer = (peerName: string, filter: UsageFilter) => Promise<{ records: number }>;
