import { open, link, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that a crash leaves either the old content or the new one:
 * a temporary file beside it, fsynced, then renamed over it (or linked, when
 * an existing file must not be replaced), then the directory fsynced.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Buffer,
  opts: { mode?: number; overwrite?: boolean } = {},
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  await rm(tmp, { force: true });
  try {
    const fh = await open(tmp, 'wx', opts.mode ?? 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (opts.overwrite === false)
      await link(tmp, path); // EEXIST rather than replacing
    else await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
