// Owner activity probes: input idle time from device file times, owner CPU
// from /proc without the guests' process trees.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { globToRegExp, InputIdleProbe } from '../../agent/adhoc/idle.js';
import { excludedPids, OwnerCpuProbe } from '../../agent/adhoc/cpu.js';
import { children } from '../../agent/drivers/process/proc.js';
import { readStat } from '../../agent/drivers/proc.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const touch = (f: string, atimeMs: number, mtimeMs: number) => utimesSync(f, new Date(atimeMs), new Date(mtimeMs));

t.test('idle time is now minus the newest atime/mtime of the watched devices', async (t) => {
  const dir = tmpDir();
  const a = join(dir, 'event0');
  const b = join(dir, 'event1');
  writeFileSync(a, '');
  writeFileSync(b, '');
  touch(a, NOW - 600_000, NOW - 700_000);
  touch(b, NOW - 900_000, NOW - 120_000);
  const probe = new InputIdleProbe({ devices: [join(dir, 'event*')], now: () => NOW, atimeOnly: [] });
  t.same(probe.files().sort(), [a, b], 'glob expanded');
  t.equal(probe.idleMs(), 120_000, "b's mtime is the newest input");
  touch(a, NOW - 5_000, NOW - 700_000);
  t.equal(probe.idleMs(), 5_000, "a's atime moved: input 5 s ago");
  touch(b, NOW + 60_000, NOW + 60_000);
  t.equal(probe.idleMs(), 0, 'a time in the future reads as just now');
});

t.test('explicit paths, missing devices, and no devices at all', async (t) => {
  const dir = tmpDir();
  const kbd = join(dir, 'kbd');
  writeFileSync(kbd, '');
  touch(kbd, NOW - 42_000, NOW - 42_000);
  const probe = new InputIdleProbe({
    devices: [kbd, join(dir, 'absent'), join(dir, 'nodir', 'tty[0-9]*')],
    now: () => NOW,
    atimeOnly: [],
  });
  t.equal(probe.idleMs(), 42_000, 'absent files and directories are skipped');
  const none = new InputIdleProbe({ devices: [join(dir, 'nothing*')], now: () => NOW, atimeOnly: [] });
  t.equal(none.idleMs(), undefined, 'no device: unknown (the policy treats it as idle)');
});

t.test('device globs: terminals by number only, new terminals picked up on the next call', async (t) => {
  const dir = tmpDir();
  mkdirSync(join(dir, 'pts'));
  for (const n of ['ptmx', '0', '1']) writeFileSync(join(dir, 'pts', n), '');
  touch(join(dir, 'pts', 'ptmx'), NOW, NOW);
  touch(join(dir, 'pts', '0'), NOW - 50_000, NOW - 50_000);
  touch(join(dir, 'pts', '1'), NOW - 80_000, NOW - 80_000);
  const probe = new InputIdleProbe({ devices: [join(dir, 'pts', '[0-9]*')], now: () => NOW, atimeOnly: [] });
  t.equal(probe.idleMs(), 50_000, 'ptmx (the multiplexer) does not count');
  writeFileSync(join(dir, 'pts', '2'), '');
  touch(join(dir, 'pts', '2'), NOW - 3_000, NOW - 3_000);
  t.equal(probe.idleMs(), 3_000, 'a terminal opened later is watched');
  rmSync(join(dir, 'pts', '2'));
  t.equal(probe.idleMs(), 50_000, 'and forgotten when it closes');
  t.ok(
    globToRegExp('tty[0-9]*').test('tty12') && !globToRegExp('tty[0-9]*').test('ttyS0'),
    'tty[0-9]* is virtual consoles, not serial ports',
  );
  t.ok(globToRegExp('event*').test('event3') && !globToRegExp('event*').test('mouse0'));
  t.ok(globToRegExp('a.b?').test('a.bc') && !globToRegExp('a.b?').test('axbc'), 'dots are literal');
});

t.test("the agent's own terminal counts by atime only (its log lines move the mtime)", async (t) => {
  const dir = tmpDir();
  const own = join(dir, 'own-pts');
  writeFileSync(own, '');
  touch(own, NOW - 900_000, NOW - 1_000);
  t.equal(new InputIdleProbe({ devices: [own], now: () => NOW, atimeOnly: [own] }).idleMs(), 900_000);
  t.equal(new InputIdleProbe({ devices: [own], now: () => NOW, atimeOnly: [] }).idleMs(), 1_000);
});

t.test('excludedPids: roots and all their descendants, nothing else', async (t) => {
  const stats = new Map([
    [1, { ppid: 0 }],
    [10, { ppid: 1 }], // guest root
    [11, { ppid: 10 }],
    [12, { ppid: 11 }],
    [20, { ppid: 1 }], // owner
    [21, { ppid: 20 }],
    [30, { ppid: 99 }], // parent unknown (exited)
  ]);
  t.same(
    [...excludedPids(stats, new Set([10]))].sort((a, b) => a - b),
    [10, 11, 12],
  );
  t.same(
    [...excludedPids(stats, new Set([1]))].sort((a, b) => a - b),
    [1, 10, 11, 12, 20, 21],
  );
  t.same([...excludedPids(stats, new Set())], []);
});

function busy(script = 'while :; do :; done'): ChildProcess {
  const c = spawn('sh', ['-c', script], { stdio: 'ignore' });
  return c;
}

async function sampleOver(probe: OwnerCpuProbe, ms: number) {
  probe.sample();
  await new Promise((r) => setTimeout(r, ms));
  return probe.sample();
}

t.test('owner CPU counts a busy process, and not once its pid is excluded', async (t) => {
  const child = busy();
  t.teardown(() => void child.kill('SIGKILL'));
  const pid = child.pid!;
  let exclude: number[] = [];
  const probe = new OwnerCpuProbe({ exclude: () => exclude });
  t.equal(probe.sample().cpuPct, 0, 'first sample is the baseline');
  // The box may be loaded (other test files); give the loop time to get CPU.
  const s = await waitFor(
    async () => {
      const r = await sampleOver(probe, 500);
      return (probe.counted.get(pid) ?? 0) >= 10 ? r : undefined;
    },
    { timeoutMs: 15_000, message: 'busy child counted' },
  );
  t.ok(s.cpuPct > 10, `owner cpu ${s.cpuPct.toFixed(0)}%: a busy loop is well above 10% of a core`);
  t.ok(s.top && s.top.pct > 0, 'the busiest owner process is named');
  exclude = [pid];
  await sampleOver(probe, 300);
  t.notOk(probe.counted.has(pid), 'excluded pid not counted');
});

t.test('a guest root excludes its whole tree (its children inside namespaces too)', async (t) => {
  // sh waits for a busy subshell: the CPU is in the child, the excluded pid is the parent.
  const parent = busy('(while :; do :; done) & wait');
  t.teardown(() => {
    for (const c of children(parent.pid!)) process.kill(c, 'SIGKILL');
    parent.kill('SIGKILL');
  });
  const kid = await waitFor(() => children(parent.pid!)[0], { message: 'busy subshell' });
  const probe = new OwnerCpuProbe({ exclude: () => [] });
  await waitFor(
    async () => {
      await sampleOver(probe, 300);
      return (probe.counted.get(kid) ?? 0) > 0;
    },
    { timeoutMs: 15_000, message: 'child counted while not excluded' },
  );
  const guarded = new OwnerCpuProbe({ exclude: () => [parent.pid!] });
  guarded.sample();
  // Several intervals: the busy child never shows up.
  for (let i = 0; i < 3; i++) {
    await sampleOver(guarded, 200);
    t.notOk(guarded.counted.has(kid), `interval ${i}: the guest's child is not owner CPU`);
    t.notOk(guarded.counted.has(parent.pid!), `interval ${i}: nor the guest root`);
  }
});

t.test('a process born between samples counts with all its CPU time', async (t) => {
  const probe = new OwnerCpuProbe({ exclude: () => [] });
  probe.sample();
  const child = busy();
  t.teardown(() => void child.kill('SIGKILL'));
  const ticks = await waitFor(
    () => {
      const st = readStat(child.pid!);
      return st && st.utime + st.stime >= 5 ? st.utime + st.stime : undefined;
    },
    { timeoutMs: 15_000, message: 'child used some CPU' },
  );
  probe.sample();
  t.ok((probe.counted.get(child.pid!) ?? 0) >= ticks, 'its whole CPU time falls in the interval it was born in');
});
