// The test command's runner: every compiled test file as its own `node`
// process, a few at a time, each bounded by a timeout, its TAP output printed
// whole as a subtest when it ends, and one summary for all of them.
//
// Why not `tap`'s runner: it starts every test process with tap's
// processinfo loader (coverage bookkeeping: a module hook in a worker thread
// that reads and measures every module the test loads) and its mock loader,
// whether or not coverage is on. Measured here: 1.0-1.5 s of CPU per
// integration test file, 0.5 s per unit file, about 280 s of a CI run on two
// cores. The files are unchanged tap tests: `npx tap FILE` still runs one, and
// `npm run coverage` still uses tap's runner for coverage.
//
// Usage: node dist/scripts/test-runner/run.js [--jobs N] [--timeout S] [FILE|DIR ...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { add, failedTests, formatSummary, verdict, zero, type Ending } from './summary.js';

/** Output kept per file: a runaway test must not take the runner's memory with it. */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
/**
 * The file's own tap root enforces the timeout (TAP_TIMEOUT, as tap's runner
 * sets it) and reports which test was running; past that plus this margin the
 * runner sends SIGALRM (tap's "you timed out" signal), and past the grace after
 * it kills the file's whole process group.
 */
const backstopMarginMs = (timeoutMs: number) => Math.min(15_000, timeoutMs / 4);
const killGraceMs = (timeoutMs: number) => Math.min(5_000, timeoutMs);

interface Options {
  jobs: number;
  timeoutMs: number;
  paths: string[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    // As many as the cores. Not one more: on 12 lighter integration files three jobs on two cores
    // cut 129 s to 96 s, but on the whole suite every file took 1.68x as long (the QEMU and CLI
    // files keep both cores busy), 12 % more wall time than two jobs.
    jobs: Number(process.env.TEST_JOBS ?? availableParallelism()),
    timeoutMs: 180_000,
    paths: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--jobs' || a === '-j') o.jobs = Number(argv[++i]);
    else if (a === '--timeout') o.timeoutMs = Number(argv[++i]) * 1000;
    else o.paths.push(a);
  }
  if (!Number.isInteger(o.jobs) || o.jobs < 1) throw new Error('--jobs (or TEST_JOBS) must be a positive integer');
  if (!Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0)
    throw new Error('--timeout must be a positive number of seconds');
  if (!o.paths.length) o.paths = ['dist/test'];
  return o;
}

/** The *.test.js files under `paths`, in a stable order (as tap lists them). */
function testFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p).sort()) if (e !== 'node_modules') walk(join(p, e));
    } else if (p.endsWith('.test.js')) out.push(p);
  };
  for (const p of paths) walk(p);
  return [...new Set(out)];
}

interface Result {
  file: string;
  output: string;
  end: Ending;
  ms: number;
}

const running = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone already
  }
}

function runFile(file: string, timeoutMs: number): Promise<Result> {
  const t0 = performance.now();
  // Its own process group: a timeout ends the file and everything it started.
  const child = spawn(process.execPath, ['--enable-source-maps', file], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TAP_TIMEOUT: String(timeoutMs / 1000) },
  });
  running.add(child.pid!);
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  child.stdout.on('data', (d: Buffer) => {
    if (kept + d.length <= MAX_OUTPUT_BYTES) {
      chunks.push(d);
      kept += d.length;
    } else dropped += d.length;
  });
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      try {
        child.kill('SIGALRM');
      } catch {
        // gone already
      }
      setTimeout(() => killGroup(child.pid!, 'SIGKILL'), killGraceMs(timeoutMs)).unref();
    },
    timeoutMs + backstopMarginMs(timeoutMs),
  );
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child.pid!);
      let output = Buffer.concat(chunks).toString('utf8');
      if (dropped) output += `\n# runner: ${dropped} bytes of output past ${MAX_OUTPUT_BYTES} were dropped\n`;
      resolve({ file, output, end: { code, signal, timedOut }, ms: performance.now() - t0 });
    });
  });
}

const indent = (s: string) =>
  s
    .trimEnd()
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n');

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const files = testFiles(o.paths);
  if (!files.length) {
    process.stdout.write(`No test files found under ${o.paths.join(', ')}\n`);
    process.exit(1);
  }
  const stop = (sig: NodeJS.Signals) => {
    for (const pid of running) killGroup(pid, 'SIGKILL');
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const t0 = performance.now();
  process.stdout.write('TAP version 14\n');
  let total = zero();
  let n = 0;
  let next = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (next < files.length) {
      const r = await runFile(files[next++]!, o.timeoutMs);
      const v = verdict(r.output, r.end);
      total = add(total, v.counts);
      const name = relative(process.cwd(), r.file);
      let text = `# Subtest: ${name}\n${indent(r.output)}\n`;
      text += `${v.ok ? 'ok' : 'not ok'} ${++n} - ${name} # time=${r.ms.toFixed(3)}ms\n`;
      if (v.reason) text += `  ---\n  reason: ${JSON.stringify(v.reason)}\n  ...\n`;
      if (!v.ok) {
        failures.push(`${name}${v.reason ? ` (${v.reason})` : ''}`);
        for (const l of failedTests(r.output)) failures.push(`  ${l}`);
      }
      process.stdout.write(text + '\n');
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.jobs, files.length) }, worker));
  // Repeated last, where a CI log's tail shows them.
  if (failures.length) process.stdout.write(`# failed:\n${failures.map((l) => `#   ${l}\n`).join('')}`);
  process.stdout.write(`1..${n}\n${formatSummary(total)}\n# time=${(performance.now() - t0).toFixed(3)}ms\n`);
  process.exitCode = total.fail ? 1 : 0;
}

await main();
