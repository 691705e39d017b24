// Issue 12 item 5: an export to a client that stops reading holds the
// controller's scan, not its memory (gRPC flow control + write() backpressure).
import t from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { CLI, startController } from '../helpers/procs.js';
import { track } from '../helpers/reap.js';
import { seedUsage, usageRecord, vmIdOf } from '../helpers/usage-records.js';

const RECORDS = 50_000;
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

t.test('a paused client: the controller stays within a bound far below the export, which then completes', async (t) => {
  const dir = tmpDir();
  const t0 = Date.now() - 3 * 86_400_000; // inside the default raw retention (7 days)
  await seedUsage(
    dir,
    Array.from({ length: RECORDS }, (_, i) =>
      usageRecord({ vmId: vmIdOf(i % 500), vmName: `vm-${i % 500}`, startUnixMs: t0 + i * 1000 }),
    ),
  );
  const ctl = await startController(dir);
  t.teardown(() => ctl.kill());
  const pid = ctl.proc.pid!;
  const before = rssOf(pid);

  // The CLI writes into a pipe nobody reads: it pauses the call once the pipe is full.
  const proc = spawn(
    process.execPath,
    [CLI, '--controller', ctl.address, '--data-dir', dir, 'usage', 'export', '--format', 'focus'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  track(proc);
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', r));

  // Sample the controller's memory while the client is stalled (60 samples, 100 ms apart).
  let peak = before;
  let samples = 0;
  await waitFor(
    () => {
      peak = Math.max(peak, rssOf(pid));
      return ++samples >= 60;
    },
    { intervalMs: 100, timeoutMs: 20_000 },
  );
  t.equal(proc.exitCode, null, 'the export is still waiting for its client');

  // Now read it all.
  let bytes = 0;
  let lines = 0;
  proc.stdout.on('data', (d: Buffer) => {
    bytes += d.length;
    for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
  });
  t.equal(await exited, 0, stderr);
  t.equal(lines, RECORDS * 4 + 1, 'every record, one FOCUS row per component, and the header');
  const growth = peak - before;
  t.comment(
    `export ${(bytes / 2 ** 20).toFixed(0)} MiB; controller grew ${(growth / 2 ** 20).toFixed(1)} MiB while paused`,
  );
  t.ok(bytes > 80 * 2 ** 20, 'the export is large');
  // RSS includes the heap the export's first pages grow and JIT code: 10-23 MiB on one machine, 9.9-18 on the
  // same commit. A controller that buffered the export would grow by its size (126 MiB); a quarter of it is the bound.
  t.ok(growth < 32 * 2 ** 20, 'the controller held a bounded part of it while the client was paused');
});
