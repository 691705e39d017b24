// The fence watcher with real processes: nothing happens while the lease is
// renewed; once it runs out, guarded process trees are stopped (SIGTERM, and
// SIGKILL for what ignores it), a reused pid and a released VM are left alone,
// the watcher reports and exits; a restarted agent re-adopts a live watcher.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../common/logger.js';
import { Fence, procUptimeMs } from '../../agent/fence/fence.js';
import { parseLeaseLine } from '../../agent/fence/lease.js';
import { isAlive, startTimeOf } from '../../agent/drivers/proc.js';
import { children } from '../../agent/drivers/process/proc.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const ID = (n: number) => `01J0000000000000000000000${n}`;
const procs: ChildProcess[] = [];
function run(script: string): { pid: number; start: string } {
  const p = spawn('sh', ['-c', script], { stdio: 'ignore' });
  procs.push(p);
  return { pid: p.pid!, start: startTimeOf(p.pid!)! };
}
t.teardown(() => {
  for (const p of procs) p.kill('SIGKILL');
});
const alive = (x: { pid: number; start: string }) => isAlive(x.pid, x.start);
const leaseOf = (dir: string) => parseLeaseLine(readFileSync(join(dir, 'fence', 'lease'), 'utf8'))!;

t.test('a lease that runs out stops the guarded trees and nothing else', async (t) => {
  const dir = tmpDir();
  const fenceDir = join(dir, 'fence');
  const fence = new Fence({ dir: fenceDir, fenceAfterMs: 1_000, log: silentLogger });
  fence.start();
  const watcher = fence.watcherPid();
  t.ok(watcher > 0, 'a watcher runs');

  const plain = run('exec sleep 300');
  // A tree that ignores SIGTERM (the child inherits the ignore): only SIGKILL ends it.
  const stubborn = run("trap '' TERM; sleep 300 & wait");
  await waitFor(() => children(stubborn.pid).length === 1, { message: 'stubborn child started' });
  const stubbornChild = { pid: children(stubborn.pid)[0]!, start: startTimeOf(children(stubborn.pid)[0]!)! };
  const frozen = run('exec sleep 300');
  process.kill(frozen.pid, 'SIGSTOP');
  const reused = run('exec sleep 300');
  const released = run('exec sleep 300');
  const killOnly = run('exec sleep 300');
  fence.guard(ID(1), plain.pid, plain.start);
  fence.guard(ID(2), stubborn.pid, stubborn.start);
  fence.guard(ID(3), frozen.pid, frozen.start);
  // A record whose pid now belongs to another process (different start time).
  fence.guard(ID(4), reused.pid, String(Number(reused.start) - 1));
  fence.guard(ID(5), released.pid, released.start);
  fence.release(ID(5));
  fence.guard(ID(6), killOnly.pid, killOnly.start, 'kill');
  t.same(fence.guarded().sort(), [ID(1), ID(2), ID(3), ID(4), ID(6)], 'guard records, none for the released VM');

  // Renewed for three leases: nothing is touched.
  const t0 = procUptimeMs();
  await waitFor(() => procUptimeMs() > t0 + 3_000, { timeoutMs: 10_000, message: 'three leases' });
  t.ok([plain, stubborn, frozen, reused, released, killOnly].every(alive), 'all alive while the lease is renewed');
  t.ok(isAlive(watcher, startTimeOf(watcher)!), 'watcher still there');

  // The agent dies: no more renewals.
  fence.stop({ graceful: false });
  const expiry = leaseOf(dir).expiryMs;
  await waitFor(
    () => !alive(plain) && !alive(stubborn) && !alive(stubbornChild) && !alive(frozen) && !alive(killOnly),
    { timeoutMs: 15_000, message: 'guarded trees stopped' },
  );
  const after = procUptimeMs();
  t.ok(after >= expiry, `not before the expiry (${after} >= ${expiry})`);
  t.ok(after <= expiry + 3_000, `soon after it (${after - expiry} ms)`);
  t.ok(alive(reused), 'a pid with another start time is never killed');
  t.ok(alive(released), 'a released VM is not fenced');
  await waitFor(() => readFileSync(join(fenceDir, 'watcher.log'), 'utf8').includes('fenced 4 vm(s)'), {
    message: 'watcher log',
  });
  await waitFor(() => startTimeOf(watcher) === undefined, { message: 'watcher exited' });
  for (const n of [1, 2, 3, 6]) t.ok(fence.takeFenced(ID(n)), `fencing of ${n} recorded`);
  t.notOk(fence.takeFenced(ID(1)), 'reported once');
  t.notOk(fence.takeFenced(ID(4)), 'the reused pid was not fenced');
  t.notOk(fence.takeFenced(ID(5)), 'nor the released one');
});

t.test('a tree that never stops forking is killed whole: no child escapes the freeze', async (t) => {
  const dir = tmpDir();
  const fenceDir = join(dir, 'fence');
  const fence = new Fence({ dir: fenceDir, fenceAfterMs: 1_000, log: silentLogger });
  fence.start();
  // Forks a long-lived child, ends it, forks the next: a child forked while its parent
  // was being frozen would outlive the kill as an orphan (its marker argument finds it).
  const marker = `${3000 + Math.floor(Math.random() * 1000)}.25`;
  const forker = run(`while :; do sleep ${marker} & kill $!; done`);
  const orphans = () =>
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          return readFileSync(`/proc/${d}/cmdline`, 'utf8') === `sleep\0${marker}\0`;
        } catch {
          return false;
        }
      });
  t.teardown(() => {
    for (const p of orphans()) process.kill(Number(p), 'SIGKILL');
  });
  fence.guard(ID(7), forker.pid, forker.start, 'kill');
  fence.stop({ graceful: false });
  await waitFor(() => !alive(forker), { timeoutMs: 15_000, message: 'the forking tree is fenced' });
  // A child the freeze missed would be running now, reparented: give it a moment to show.
  const t0 = procUptimeMs();
  await waitFor(() => procUptimeMs() > t0 + 300, { message: 'a moment' });
  t.same(orphans(), [], 'no child of the tree is left running');
  await waitFor(() => readFileSync(join(fenceDir, 'watcher.log'), 'utf8').includes('fenced 1 vm(s)'), {
    message: 'watcher log',
  });
});

t.test('a restarted agent adopts the live watcher; an older version is replaced without a gap', async (t) => {
  const dir = tmpDir();
  const fenceDir = join(dir, 'fence');
  const a = new Fence({ dir: fenceDir, fenceAfterMs: 5_000, log: silentLogger });
  a.start();
  const w = a.watcherPid();
  a.stop({ graceful: false }); // kill -9: nothing more happens in this process
  const b = new Fence({ dir: fenceDir, fenceAfterMs: 5_000, log: silentLogger });
  b.start();
  t.equal(b.watcherPid(), w, 'the same watcher, re-adopted');
  b.stop({ graceful: false });
  // The record says another version: the new agent starts its own, then ends the old one.
  const rec = JSON.parse(readFileSync(join(fenceDir, 'watcher.json'), 'utf8')) as { version: string };
  writeFileSync(join(fenceDir, 'watcher.json'), JSON.stringify({ ...rec, version: 'older' }));
  const c = new Fence({ dir: fenceDir, fenceAfterMs: 5_000, log: silentLogger });
  c.start();
  t.not(c.watcherPid(), w, 'a new watcher');
  await waitFor(() => startTimeOf(w) === undefined, { message: 'old watcher ended' });
  c.stop({ graceful: false });
  process.kill(c.watcherPid(), 'SIGKILL');
});

t.test('a deliberate stop leaves the longest safe lease; a window is remembered for the next start', async (t) => {
  const dir = tmpDir();
  const fenceDir = join(dir, 'fence');
  const a = new Fence({ dir: fenceDir, fenceAfterMs: 60_000, log: silentLogger });
  a.start();
  a.setReplaceWindow(20_000);
  t.equal(a.leaseMs(), 10_000, 'clamped to half the window');
  const short = leaseOf(dir).expiryMs - procUptimeMs();
  t.ok(short <= 10_000 && short > 9_000, `lease ${short} ms`);
  a.setReplaceWindow(600_000);
  t.equal(a.leaseMs(), 60_000);
  a.stop({ graceful: true });
  const graceful = leaseOf(dir).expiryMs - procUptimeMs();
  t.ok(graceful > 290_000 && graceful <= 300_000, `graceful lease ${graceful} ms (half of 10m)`);
  const b = new Fence({ dir: fenceDir, fenceAfterMs: 600_000, log: silentLogger });
  t.equal(b.leaseMs(), 300_000, 'the window from the last Welcome is checked at the next start');
  process.kill(a.watcherPid(), 'SIGKILL');
});
