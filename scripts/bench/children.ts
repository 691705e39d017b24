import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Everything the benchmark starts or creates, so that it is all gone when the
// benchmark ends: normally, on an error, or on Ctrl-C.

const children = new Set<ChildProcess>();
const dirs = new Set<string>();

function alive(c: ChildProcess): boolean {
  return c.exitCode === null && c.signalCode === null;
}

export function track<C extends ChildProcess>(c: C): C {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stopChild(c: ChildProcess, graceMs = process.env.BENCH_CPU_PROF ? 60_000 : 5000): Promise<void> {
  // (A profiled child writes its profile at exit: a busy controller's takes more than 5 s.)
  if (!alive(c)) return;
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  const timer = setTimeout(() => alive(c) && c.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `nephele-bench-${prefix}-`));
  dirs.add(d);
  return d;
}

export function removeDir(d: string): void {
  rmSync(d, { recursive: true, force: true });
  dirs.delete(d);
}

/** Synchronous last resort: kill what is left and remove temp dirs. */
export function cleanupNow(): void {
  for (const c of children) if (alive(c)) c.kill('SIGKILL');
  children.clear();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

let installed = false;
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping children\n`);
      cleanupNow();
      process.exit(130);
    });
  }
}
