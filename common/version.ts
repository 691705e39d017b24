// The release this build is (package.json) and, from a git checkout, the commit:
// `nephele version`, `--version` of both programs and the controller's GetVersion.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The package root: dist/common/version.js sits two levels below it. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BuildInfo {
  version: string;
  /** Short commit hash, '' outside a git checkout. */
  commit: string;
}

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  cached ??= { version: packageVersion(), commit: gitCommit() };
  return cached;
}

/** "0.1.0 (commit 0123abcd4567)" or "0.1.0". */
export function versionLine(b: BuildInfo = buildInfo()): string {
  return b.commit ? `${b.version} (commit ${b.commit})` : b.version;
}

export function packageVersion(): string {
  try {
    const v = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  // Only our own checkout: a package installed inside some other repository must not report that one's commit.
  if (!existsSync(join(ROOT, '.git'))) return '';
  try {
    return execFileSync('git', ['-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
      encoding: 'utf8',
    }).trim();
  } catch {
    return '';
  }
}
