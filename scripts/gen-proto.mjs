#!/usr/bin/env node
// Generates TypeScript types for proto/ into common/gen (committed).
// `--check` regenerates into a temp dir and fails when the committed copy is stale.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const protoDir = join(root, 'proto');
const target = join(root, 'common', 'gen');
const check = process.argv.includes('--check');

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const protos = walk(protoDir)
  .filter((p) => p.endsWith('.proto'))
  .map((p) => relative(protoDir, p));
const out = check ? mkdtempSync(join(tmpdir(), 'nephele-gen-')) : target;
if (!check) rmSync(target, { recursive: true, force: true });
// These options must match common/grpc/load.ts (LOADER_OPTIONS).
execFileSync(
  join(root, 'node_modules', '.bin', 'proto-loader-gen-types'),
  [
    '--grpcLib=@grpc/grpc-js',
    '--longs=Number',
    '--enums=String',
    '--defaults',
    '--oneofs',
    '--importFileExtension=.js',
    '-I',
    'proto',
    '-O',
    out,
    ...protos,
  ],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);

if (check) {
  const files = (d) =>
    walk(d)
      .map((p) => relative(d, p))
      .sort();
  const want = files(out);
  const have = files(target);
  const stale = [];
  for (const f of new Set([...want, ...have])) {
    const a = existsSync(join(out, f)) ? readFileSync(join(out, f), 'utf8') : null;
    const b = existsSync(join(target, f)) ? readFileSync(join(target, f), 'utf8') : null;
    if (a !== b) stale.push(f);
  }
  rmSync(out, { recursive: true, force: true });
  if (stale.length) {
    console.error(
      `common/gen is stale (${stale.length} files differ, e.g. ${stale.slice(0, 3).join(', ')}): run npm run gen`,
    );
    process.exit(1);
  }
  console.log(`common/gen is up to date (${want.length} files)`);
}
