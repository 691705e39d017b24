// The agent's runner with the real process driver and a real LevelStore, driven
// directly (no controller): the ad-hoc owner gate, stale copies, task VMs.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { processesWith, vmRoots, killWith } from '../helpers/vms.js';
import { LevelStore } from '../../common/store/index.js';
import { silentLogger } from '../../common/logger.js';
import { ulid as newId } from '../../common/ids.js';
import { ProcessDriver } from '../../agent/drivers/process/driver.js';
import { Runner, OWNER_ACTIVE, OWNER_IDLE, STALE_REASON } from '../../agent/runner/runner.js';
import { treeOf } from '../../agent/drivers/process/proc.js';
import { readStat, isAlive } from '../../agent/drivers/proc.js';
import type { DesiredVm, StatusReport } from '../../common/grpc/convert.js';
import type { DesiredState } from '../../common/model/enums.js';

type Report = StatusReport;

interface Agent {
  runner: Runner;
  driver: ProcessDriver;
  store: LevelStore;
  reports: Report[];
  /** Stops this "agent process" without touching its VMs (as a restart would). */
  close(): Promise<void>;
}

async function startAgent(dir: string): Promise<Agent> {
  const store = await LevelStore.open(join(dir, 'state'));
  const driver = new ProcessDriver({ stateDir: join(dir, 'vms') });
  await driver.fingerprint();
  const reports: Report[] = [];
  const runner = new Runner({ drivers: [driver], store, log: silentLogger, report: async (r) => void reports.push(r) });
  await runner.start();
  return {
    runner,
    driver,
    store,
    reports,
    close: async () => {
      await runner.settled();
      await driver.close();
      await store.close();
    },
  };
}

function vm(
  id: string,
  desired: DesiredState = 'running',
  opts: { generation?: number; config?: Record<string, string> } = {},
): DesiredVm {
  return {
    vmId: id,
    name: `vm-${id.slice(-4).toLowerCase()}`,
    spec: {
      scheme: 'process',
      vcpus: 1,
      memoryMib: 64,
      diskGib: 1,
      image: '',
      appliancePort: 8080,
      config: opts.config ?? { title: 'owner gate' },
      vmClass: '',
      baseImage: null,
    },
    desired,
    generation: opts.generation ?? 1,
    rebootCount: 0,
    exportDisk: '',
    importDisk: '',
    hidden: false,
    monitor: null,
  };
}

const reportsOf = (a: Agent, id: string) => a.reports.filter((r) => r.vmId === id);
const last = (a: Agent, id: string) => reportsOf(a, id).at(-1);
const waitReport = (a: Agent, id: string, state: string, reason?: string | RegExp, timeoutMs = 30_000) =>
  waitFor(
    () => {
      const r = last(a, id);
      if (!r || r.state !== state) return undefined;
      if (reason === undefined) return r;
      return (typeof reason === 'string' ? r.reason === reason : reason.test(r.reason ?? '')) ? r : undefined;
    },
    { timeoutMs, message: `${state}${reason ? ` (${String(reason)})` : ''}` },
  );
const pidOf = async (a: Agent, id: string) => (await a.driver.inspect(id)).pid;
const stateOf = (pid: number) => readStat(pid)?.state ?? '';

t.test(
  'owner gate: busy suspends running VMs and holds creates; idle resumes and creates; controller choices kept',
  async (t) => {
    const dir = tmpDir();
    let a = await startAgent(dir);
    t.teardown(async () => {
      await a.close().catch(() => {});
      killWith(dir);
    });
    const [v1, v2, v3] = [newId(), newId(), newId()];

    a.runner.setOwner('idle');
    a.runner.apply([vm(v1)]);
    await waitReport(a, v1, 'running');
    const pid1 = await pidOf(a, v1);
    t.not(stateOf(pid1), 'T', 'running');

    a.runner.setOwner('busy');
    const sus = await waitReport(a, v1, 'suspended');
    t.equal(sus.reason, OWNER_ACTIVE, "suspended with reason 'owner active'");
    t.equal(stateOf(pid1), 'T', 'the process is really stopped (T in /proc/<pid>/stat)');

    // A newly desired VM waits while the owner is busy (START expression).
    a.runner.apply([vm(v1), vm(v2)]);
    const wait = await waitReport(a, v2, 'pending');
    t.match(wait.reason, /owner is active/, 'reported as waiting for the owner');
    await a.runner.settled();
    t.equal(processesWith(v2).length, 0, 'not created while the owner is busy');
    await t.rejects(a.driver.inspect(v2), /no such vm/, 'the driver has never heard of it');
    // Level-triggered: the same desired state again changes and reports nothing.
    const n = a.reports.length;
    a.runner.apply([vm(v1), vm(v2)]);
    a.runner.setOwner('evacuate');
    await a.runner.settled();
    t.equal(a.reports.length, n, 'no duplicate reports on re-apply or busy -> evacuate');
    t.equal(stateOf(pid1), 'T', 'still stopped while evacuating (the controller moves it)');

    a.runner.setOwner('idle');
    const res = await waitReport(a, v1, 'running');
    t.equal(res.reason, OWNER_IDLE, "resumed with reason 'owner idle'");
    t.not(stateOf(pid1), 'T', 'the process runs again');
    t.equal(await pidOf(a, v1), pid1, 'the same process (resumed, not restarted)');
    await waitReport(a, v2, 'running');
    t.equal(vmRoots(v2).length, 1, 'the held create proceeded once the owner was idle');

    // What the controller itself wants suspended or stopped is left so across owner changes.
    a.runner.apply([vm(v1), vm(v2, 'suspended'), vm(v3, 'running')]);
    await waitReport(a, v2, 'suspended', 'suspended as requested');
    await waitReport(a, v3, 'running');
    a.runner.apply([vm(v1), vm(v2, 'suspended'), vm(v3, 'stopped')]);
    await waitReport(a, v3, 'stopped', 'stopped as requested');
    const pid2 = await pidOf(a, v2);
    a.runner.setOwner('busy');
    await waitReport(a, v1, 'suspended', OWNER_ACTIVE);
    a.runner.setOwner('idle');
    await waitReport(a, v1, 'running', OWNER_IDLE);
    await a.runner.settled();
    t.equal(last(a, v2)?.reason, 'suspended as requested', 'the controller-suspended VM was not touched');
    t.equal(stateOf(pid2), 'T', 'and is still stopped after the owner left');
    t.equal(last(a, v3)?.state, 'stopped', 'the controller-stopped VM was not started');
    t.equal(processesWith(v3).length, 0);

    // Busy while the controller also wants it suspended: when the owner leaves, the controller's wish holds.
    a.runner.setOwner('busy');
    await waitReport(a, v1, 'suspended', OWNER_ACTIVE);
    a.runner.apply([vm(v1, 'suspended'), vm(v2, 'suspended'), vm(v3, 'stopped')]);
    await waitReport(a, v1, 'suspended', 'suspended as requested');
    a.runner.setOwner('idle');
    await a.runner.settled();
    t.equal(stateOf(pid1), 'T', 'not resumed: the controller wants it suspended');

    // Owner-suspended across an agent restart: re-attached suspended, and before the
    // first desired state arrives only the owner gate acts (nothing is removed).
    a.runner.apply([vm(v1), vm(v2, 'suspended'), vm(v3, 'stopped')]);
    await waitReport(a, v1, 'running');
    a.runner.setOwner('busy');
    await waitReport(a, v1, 'suspended', OWNER_ACTIVE);
    await a.close();
    a = await startAgent(dir);
    a.runner.setOwner('idle');
    const back = await waitReport(a, v1, 'running', OWNER_IDLE);
    t.ok(back, 'an owner-suspended VM is resumed by the gate even before the first desired state');
    await a.runner.settled();
    t.equal(stateOf(pid2), 'T', 'the controller-suspended one is not');
    t.ok(existsSync(join(dir, 'vms', v3)), 'no desired state yet: nothing removed, not even the stopped VM');
    t.notOk(
      a.reports.some((r) => r.state === 'destroyed'),
      'and nothing reported destroyed',
    );

    // The controller re-placed v2 and v3 elsewhere (e.g. evacuation): the stale local copies go.
    a.runner.apply([vm(v1)]);
    for (const id of [v2, v3]) {
      const d = await waitReport(a, id, 'destroyed');
      t.equal(d.reason, STALE_REASON, 'reported destroyed as a stale copy');
    }
    t.equal(processesWith(v2).length, 0, 'the stale copy is stopped');
    t.notOk(existsSync(join(dir, 'vms', v2)), "and its driver state (the VM's disk) removed");
    t.notOk(existsSync(join(dir, 'vms', v3)), 'also for a stopped stale copy');
    t.equal(a.runner.count(), 1, 'local records removed');
    await a.close();
    a = await startAgent(dir);
    t.equal(a.runner.count(), 1, 'and removed from the agent store too');
    a.runner.apply([]);
    await waitReport(a, v1, 'destroyed', STALE_REASON);
    t.equal(processesWith(v1).length, 0);
  },
);

t.test('task VMs: exit 0 is STOPPED with task_done and is not rerun; exit 3 is FAILED with the code', async (t) => {
  const dir = tmpDir();
  let a = await startAgent(dir);
  t.teardown(async () => {
    await a.close().catch(() => {});
    killWith(dir);
  });
  const ok = newId();
  const bad = newId();
  // The task also proves it does not inherit the agent's environment (a join token there would leak).
  process.env.NEPHELE_JOIN_TOKEN = 'must-not-leak';
  const okTask = vm(ok, 'running', {
    config: { task: `test -z "$NEPHELE_JOIN_TOKEN" && test "$NEPHELE_VM_ID" = ${ok} && echo hi > out.txt && exit 0` },
  });
  a.runner.apply([okTask, vm(bad, 'running', { config: { task: 'exit 3' } })]);
  const done = await waitReport(a, ok, 'stopped');
  t.equal(done.taskDone, true, 'task_done set');
  t.equal(done.reason, 'task done');
  t.equal(
    readFileSync(join(dir, 'vms', ok, 'home', 'out.txt'), 'utf8'),
    'hi\n',
    'ran in the VM home, clean environment',
  );
  const failed = await waitReport(a, bad, 'failed');
  t.equal(failed.reason, 'task exited with code 3', 'the exit code is in the reason');
  t.notOk(failed.taskDone, 'a failed task is not done');
  t.notOk(
    reportsOf(a, ok)
      .slice(0, -1)
      .some((r) => r.taskDone),
    'only the final report says done',
  );

  // Same generation again: the finished task is not rerun, the failed one not restarted.
  const n = a.reports.length;
  a.runner.apply([okTask, vm(bad, 'running', { config: { task: 'exit 3' } })]);
  await a.runner.settled();
  t.equal(a.reports.length, n, 'nothing rerun at the same generation');
  // A higher generation (StartVm) runs it again.
  a.runner.apply([{ ...okTask, generation: 2 }]);
  await waitFor(
    () =>
      reportsOf(a, ok)
        .slice(-3)
        .some((r) => r.state === 'creating' && r.generation === 2),
    { message: 'rerun' },
  );
  const again = await waitReport(a, ok, 'stopped');
  t.ok(again.taskDone && again.generation === 2, 'done again at generation 2');

  // A task that runs: its whole tree is suspended by the owner gate, then it finishes
  // while the agent is down and the restarted agent reports how it ended.
  const long = newId();
  a.runner.apply([vm(long, 'running', { config: { task: 'sleep 1.5; sleep 0.2; exit 0' } })]);
  await waitReport(a, long, 'running');
  a.runner.setOwner('busy');
  await waitReport(a, long, 'suspended', OWNER_ACTIVE);
  const root = await pidOf(a, long);
  const tree = treeOf(root);
  t.ok(tree.length >= 2, 'the task has child processes');
  t.ok(
    tree.every((p) => stateOf(p) === 'T'),
    'every process of the task is stopped, not just the top',
  );
  a.runner.setOwner('idle');
  await waitReport(a, long, 'running', OWNER_IDLE);
  t.ok(
    tree.every((p) => stateOf(p) !== 'T'),
    'and all continue',
  );
  const startTime = readStat(root)!.starttime;
  await a.close();
  await waitFor(() => !isAlive(root, startTime), {
    timeoutMs: 10_000,
    message: 'task finished while the agent was down',
  });
  a = await startAgent(dir);
  const after = await waitReport(a, long, 'stopped');
  t.ok(after.taskDone, 'the restarted agent reports the task done from its recorded exit status');

  // A task still running across an agent restart is re-attached and its end is seen.
  const slow = newId();
  a.runner.apply([vm(slow, 'running', { config: { task: 'sleep 1; exit 4' } })]);
  await waitReport(a, slow, 'running');
  await a.close();
  a = await startAgent(dir);
  const f = await waitReport(a, slow, 'failed', 'task exited with code 4', 15_000);
  t.ok(f, 're-attached task: its exit code is reported');
});
