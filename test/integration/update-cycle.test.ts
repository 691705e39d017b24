// Update cycles through the real CLI against a real controller (issue 13):
// `set update` shows the cycle's steps on stderr as they happen and prints the
// finished cycle on stdout; a cycle that cannot even choose its management
// instance (a set with no running member) stops as failed, or reverts with
// --auto-revert, and the prior set stays; `set cycles` / `set cycle` read the
// stored record; bad input names its field; another tenant sees nothing.
import t from 'tap';
import type { UpdateCycle__Output as UpdateCycle } from '../../common/gen/nephele/v1/UpdateCycle.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import { cli, startController } from '../helpers/procs.js';
import { tmpDir } from '../helpers/tmp.js';

t.test('set update: steps as they happen, the cycle on stdout, failure either way, scoped', async (t) => {
  const ctl = await startController(tmpDir());
  t.teardown(() => ctl.kill());
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const run = (...args: string[]) => cli([...base, ...args]);

  // No host: the set waits for capacity, so no member runs to become the management instance.
  const made = await run('--json', 'set', 'create', '--name', 'web', '--count', '2', '--scheme', 'process');
  t.equal(made.code, 0, made.stderr);
  const set = JSON.parse(made.stdout) as VmSet;

  const reverted = await run('set', 'update', 'web', '--config', 'title=new', '--auto-revert', '--canary', '1');
  t.equal(reverted.code, 1, 'a reverted cycle exits 1');
  t.match(reverted.stderr, /^update cycle [0-9A-Z]{26} started$/m, 'the cycle id on stderr');
  t.match(reverted.stderr, /^select: failed \(no running vm with a ready guest in the set\)$/m, 'the failed step');
  t.match(reverted.stderr, /^revert: done \(the prior set stays\)$/m, 'the revert, as it happened');
  t.match(reverted.stderr, /nephele: update cycle reverted: select: no running vm/, 'the reason, last');
  t.match(reverted.stdout, /^\s*State:\s+reverted \(select: no running vm/m, 'the finished cycle on stdout');
  t.notMatch(reverted.stdout, /select: failed \(/, 'progress stays off stdout');

  const failed = await run('--json', 'set', 'update', set.id, '--config', 'title=new', '--max-parallel', '2');
  t.equal(failed.code, 1, 'a failed cycle exits 1');
  const f = JSON.parse(failed.stdout) as UpdateCycle;
  t.equal(f.state, 'failed', 'no --auto-revert: stopped as failed');
  t.same(
    f.steps.map((s) => `${s.name} ${s.status}`),
    ['select failed'],
    'nothing done, nothing to undo',
  );
  t.same(f.changes?.config, { title: 'new' }, 'the changes are kept with the cycle');
  t.match(f.options, { maxParallel: 2, canary: 1, healthTimeoutS: 300, healthPath: '/health', autoRevert: false });

  const list = await run('--json', 'set', 'cycles', 'web');
  t.equal(list.code, 0, list.stderr);
  const cycles = JSON.parse(list.stdout) as UpdateCycle[];
  t.same(
    cycles.map((c) => c.state),
    ['reverted', 'failed'],
    "the set's cycles, oldest first",
  );
  const table = await run('set', 'cycles');
  t.match(table.stdout, /^\s*ID\s+SET\s+STATE\s+STEP/m, 'a table for people');
  const one = await run('--json', 'set', 'cycle', f.id);
  t.equal(one.code, 0, one.stderr);
  t.equal((JSON.parse(one.stdout) as UpdateCycle).id, f.id, 'set cycle reads one');

  const quick = await run('-q', 'set', 'update', 'web', '--no-wait');
  t.equal(quick.code, 0, quick.stderr);
  t.match(quick.stdout, /^[0-9A-Z]{26}\n$/, '--no-wait -q: the cycle id alone');

  const shown = await run('--json', 'set', 'show', 'web');
  t.equal((JSON.parse(shown.stdout) as VmSet).state, set.state, 'the prior set stays as it was');

  // Bad input names its field.
  const badPath = await run('set', 'update', 'web', '--health-path', 'health');
  t.equal(badPath.code, 1);
  t.match(badPath.stderr, /INVALID_ARGUMENT: options\.health_path:/, 'health path');
  const badKey = await run('set', 'update', 'web', '--config', 'Bad Key=1');
  t.match(badKey.stderr, /INVALID_ARGUMENT: changes\.config: key "Bad Key"/, 'config key');
  const unknown = await run('set', 'update', '01ARZ3NDEKTSV4RRFFQ69G5FAV');
  t.match(unknown.stderr, /NOT_FOUND: set not found/, 'unknown set');
  const noCycle = await run('set', 'cycle', '01ARZ3NDEKTSV4RRFFQ69G5FAV');
  t.match(noCycle.stderr, /NOT_FOUND: cycle not found/, 'unknown cycle');
  t.equal(noCycle.stdout, '', 'nothing on stdout');

  // Another tenant sees neither the set nor its cycles.
  t.equal((await run('tenant', 'create', 'acme')).code, 0, 'tenant created');
  const tok = await run('-q', 'token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'acme');
  t.equal(tok.code, 0, tok.stderr);
  const acme = (...args: string[]) => cli([...base, '--token', tok.stdout.trim(), ...args]);
  t.match((await acme('set', 'update', set.id)).stderr, /NOT_FOUND: set not found/, 'not their set');
  t.match((await acme('set', 'cycle', f.id)).stderr, /NOT_FOUND: cycle not found/, 'not their cycle');
  t.match((await acme('set', 'cycles', set.id)).stderr, /NOT_FOUND: set not found/, 'not their cycles');
  const theirs = await acme('--json', 'set', 'cycles');
  t.same(JSON.parse(theirs.stdout), [], 'their own list is empty');

  // A retired set cannot be updated.
  t.equal((await run('set', 'delete', 'web')).code, 0);
  const gone = await run('set', 'update', set.id);
  t.match(gone.stderr, /FAILED_PRECONDITION: set_id: the set is retir/, 'retired set');
});
