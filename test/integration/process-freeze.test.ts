import t from 'tap';
import { spawn } from 'node:child_process';
import { contTree, killTree, procState, stopTree, treeOf } from '../../agent/drivers/process/proc.js';
import { track } from '../helpers/reap.js';
import { waitFor } from '../helpers/wait.js';

// The process driver's freeze (owner gate, suspend, kill) on real process
// trees that fork all the time: SIGSTOP lands asynchronously, and the freeze
// must return only when every process of the tree is stopped.

t.test('a tree forking without pause is frozen whole, every time', async (t) => {
  // Two levels that fork continuously: a shell spawning subshells that spawn `true`.
  const top = spawn('sh', ['-c', 'while :; do (true; true) & wait; done'], { stdio: 'ignore' });
  track(top);
  t.teardown(() => killTree(top.pid!));
  await waitFor(() => treeOf(top.pid!).length >= 2, { message: 'the tree is forking' });
  let rounds = 0;
  for (let i = 0; i < 200; i++) {
    const stopped = stopTree(top.pid!);
    const tree = treeOf(top.pid!);
    const running = tree.filter((p) => !['T', 'Z', ''].includes(procState(p)));
    if (running.length) {
      t.fail(`round ${i}: ${running.length} of ${tree.length} processes still running`);
      break;
    }
    if (!tree.every((p) => stopped.includes(p))) {
      t.fail(`round ${i}: a process of the tree was not in the freeze's list`);
      break;
    }
    rounds++;
    contTree(top.pid!);
  }
  t.equal(rounds, 200, 'every freeze left no process running');
});

t.test('a tree that is gone or already stopped: nothing to wait for', async (t) => {
  const p = spawn('sleep', ['30'], { stdio: 'ignore' });
  track(p);
  const pid = p.pid!;
  t.same(stopTree(pid), [pid]);
  await waitFor(() => procState(pid) === 'T', { message: 'stopped' });
  t.same(stopTree(pid), [pid], 'already stopped: the same one pid');
  killTree(pid);
  await new Promise((r) => p.once('exit', r));
  t.same(stopTree(pid), [pid], 'gone: returns at once');
});
