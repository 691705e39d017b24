// The runner's executor (agent/runner/act.ts) and the runner around it, with a
// fake driver and a fake clock: what each action does to the driver, the
// stored record and the reports, and how readiness is awaited.
import t from 'tap';
import { join } from 'node:path';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { LevelStore } from '../../common/store/index.js';
import { Executor, type ExecutorOptions } from '../../agent/runner/act.js';
import { Runner } from '../../agent/runner/runner.js';
import type {
  Capabilities,
  Driver,
  ExitListener,
  Fingerprint,
  VmHandle,
  VmSpec,
  VmStats,
  VmStatus,
} from '../../agent/drivers/driver.js';
import type { DesiredVm, StatusReport } from '../../common/grpc/convert.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

type Report = StatusReport;
const ID = '01J00000000000000000000000';

/** Records calls; VMs become guest-ready when the test says so. */
class FakeDriver implements Driver {
  readonly scheme = 'fake';
  readonly calls: string[] = [];
  readonly status = new Map<string, VmStatus>();
  private readonly changeListeners = new Set<(id: string) => void>();
  inspects = 0;
  constructor(notifies: boolean) {
    if (!notifies) this.onStatusChange = undefined;
  }
  async fingerprint(): Promise<Fingerprint> {
    return { scheme: 'fake', healthy: true, detail: '', attributes: {} };
  }
  capabilities(): Capabilities {
    return {
      suspend: true,
      reboot: true,
      guestChannel: false,
      captureDisk: false,
      cloneDisk: false,
      portForward: false,
      management: false,
    };
  }
  private handle(spec: VmSpec): VmHandle {
    return { id: spec.id, scheme: 'fake', spec, pid: 42, pidStartTime: '1', hostPort: 8000, extra: {} };
  }
  readonly specs: VmSpec[] = [];
  hideFails = false;
  async setHidden(id: string, hidden: boolean): Promise<void> {
    if (this.hideFails) throw new Error('forward busy');
    this.calls.push(`setHidden ${id} ${hidden}`);
  }
  async create(spec: VmSpec): Promise<VmHandle> {
    this.specs.push(structuredClone(spec));
    this.calls.push(`create ${spec.id}`);
    this.status.set(spec.id, { phase: 'running', reason: '', guestReady: false, hostPort: 8000, pid: 42 });
    return this.handle(spec);
  }
  async start(h: VmHandle): Promise<VmHandle> {
    this.calls.push(`start ${h.id}`);
    this.status.set(h.id, { phase: 'running', reason: '', guestReady: false, hostPort: 8000, pid: 42 });
    return h;
  }
  diskPath(id: string): string {
    return `/disks/${id}`;
  }
  async recover(): Promise<boolean> {
    return true;
  }
  async stop(id: string): Promise<void> {
    this.calls.push(`stop ${id}`);
  }
  async destroy(id: string): Promise<void> {
    this.calls.push(`destroy ${id}`);
  }
  async suspend(id: string): Promise<void> {
    this.calls.push(`suspend ${id}`);
  }
  async resume(id: string): Promise<void> {
    this.calls.push(`resume ${id}`);
  }
  async reboot(id: string): Promise<void> {
    this.calls.push(`reboot ${id}`);
  }
  async inspect(id: string): Promise<VmStatus> {
    this.inspects++;
    return { ...this.status.get(id)! };
  }
  async stats(): Promise<VmStats> {
    throw new Error('unused');
  }
  onExit(_l: ExitListener): void {}
  onStatusChange?(l: (id: string) => void): () => void {
    this.changeListeners.add(l);
    return () => this.changeListeners.delete(l);
  }
  /** The guest came up (a notifying driver tells its listeners). */
  ready(id: string): void {
    this.status.get(id)!.guestReady = true;
    for (const l of this.changeListeners) l(id);
  }
  get listening(): number {
    return this.changeListeners.size;
  }
  async close(): Promise<void> {}
}

function want(o: Partial<DesiredVm> = {}): DesiredVm {
  return {
    vmId: ID,
    name: 'vm',
    spec: {
      scheme: 'fake',
      vcpus: 1,
      memoryMib: 64,
      diskGib: 1,
      image: '',
      appliancePort: 8080,
      config: {},
      vmClass: '',
      baseImage: null,
    },
    desired: 'running',
    generation: 1,
    rebootCount: 0,
    exportDisk: '',
    importDisk: '',
    hidden: false,
    monitor: null,
    ...o,
  };
}

async function setup(
  t: { teardown(fn: () => unknown): void },
  notifies: boolean,
  extra: {
    exportDisk?: (id: string, path: string) => Promise<void>;
    readyTimeoutMs?: number;
    ensureBase?: ExecutorOptions['ensureBase'];
  } = {},
) {
  const store = await LevelStore.open(join(tmpDir('nephele-act-'), 'db'));
  t.teardown(() => store.close());
  const driver = new FakeDriver(notifies);
  const clock = new FakeClock();
  const reports: Report[] = [];
  const retries: number[] = [];
  const exec = new Executor({
    drivers: new Map([['fake', driver]]),
    store,
    log: silentLogger,
    clock,
    report: async (r) => void reports.push(r),
    retryLater: (ms) => void retries.push(ms),
    ...extra,
  });
  const states = () => reports.map((r) => `${r.state} ${r.reason}`);
  return { store, driver, clock, reports, retries, exec, states };
}

/** Waits for a condition of the executor's progress (it awaits the store on disk and the driver). */
const until = (fn: () => boolean, message: string) => waitFor(fn, { intervalMs: 1, timeoutMs: 5_000, message });

t.test('create with a notifying driver: waits for the notification, no polling', async (t) => {
  const s = await setup(t, true);
  const done = s.exec.run(ID, want(), [{ kind: 'create' }]);
  await until(() => s.driver.listening === 1 && s.driver.inspects === 1, 'subscribed and looked once');
  t.same(s.driver.calls, [`create ${ID}`]);
  s.clock.advance(10_000); // time alone does nothing before the deadline
  await new Promise((r) => setImmediate(r)); // a poll would run in this turn
  t.equal(s.driver.inspects, 1, 'no poll while waiting for the notification');
  s.driver.ready(ID);
  await done;
  t.same(s.states(), ['creating creating', 'running guest ready']);
  t.equal(s.reports.at(-1)!.guestReady, true);
  t.equal(s.reports.at(-1)!.timeUnixMs, s.clock.now(), 'report time from the injected clock');
  t.equal(s.driver.listening, 0, 'unsubscribed after');
  const stored = await s.store.get<{ phase: string }>('vms', ID);
  t.equal(stored?.value.phase, 'running', 'the record is on disk');
});

t.test('create with a driver that cannot notify: polls on the clock', async (t) => {
  const s = await setup(t, false);
  const done = s.exec.run(ID, want(), [{ kind: 'create' }]);
  await until(() => s.driver.inspects === 1, 'first look');
  await until(() => (s.clock.advance(20), s.driver.inspects >= 3), 'inspected again at each poll interval');
  s.driver.ready(ID);
  await until(() => (s.clock.advance(20), s.reports.length === 2), 'ready seen at the next poll');
  await done;
  t.same(s.states(), ['creating creating', 'running guest ready']);
});

t.test('readiness deadline on the clock: failed', async (t) => {
  const s = await setup(t, true, { readyTimeoutMs: 1_000 });
  const done = s.exec.run(ID, want(), [{ kind: 'create' }]);
  await until(() => s.driver.listening === 1 && s.driver.inspects === 1, 'waiting for the guest');
  s.clock.advance(999);
  await new Promise((r) => setImmediate(r)); // a poll would run in this turn
  t.equal(s.reports.length, 1, 'not failed before the deadline');
  s.clock.advance(1);
  await done;
  t.same(s.states(), ['creating creating', 'failed guest did not become ready in time']);
});

t.test('a VM that fails while starting is reported with the driver reason', async (t) => {
  const s = await setup(t, true);
  const done = s.exec.run(ID, want(), [{ kind: 'create' }]);
  await until(() => s.driver.listening === 1, 'waiting for the guest');
  s.driver.status.set(ID, { phase: 'failed', reason: 'boom', guestReady: false, hostPort: 0, pid: 0 });
  s.driver.ready(ID); // a notification for the exit
  await done;
  t.same(s.states().at(-1), 'failed boom');
});

t.test('no driver for the scheme: failed at once', async (t) => {
  const s = await setup(t, true);
  await s.exec.run(ID, want({ spec: { ...want().spec!, scheme: 'xen' } }), [{ kind: 'create' }]);
  t.same(s.states(), ['failed this host has no xen driver']);
});

t.test('suspend/hold/resume/stop change the record and report', async (t) => {
  const s = await setup(t, true);
  const created = s.exec.run(ID, want(), [{ kind: 'create' }]);
  await until(() => s.driver.listening === 1, 'waiting for the guest');
  s.driver.ready(ID);
  await created;
  await s.exec.run(ID, want(), [{ kind: 'suspend', reason: 'owner active', owner: true }]);
  t.equal(s.exec.local.get(ID)!.ownerSuspended, true);
  await s.exec.run(ID, want(), [{ kind: 'hold', owner: false, reason: 'suspended as requested' }]);
  t.equal(s.exec.local.get(ID)!.ownerSuspended, false);
  await s.exec.run(ID, want(), [{ kind: 'resume', reason: 'resumed' }]);
  await s.exec.run(ID, want(), [{ kind: 'stop', reason: 'stopped as requested' }]);
  t.same(s.driver.calls, [`create ${ID}`, `suspend ${ID}`, `resume ${ID}`, `stop ${ID}`]);
  t.same(s.states().slice(2), [
    'suspended owner active',
    'suspended suspended as requested',
    'running resumed',
    'stopped stopped as requested',
  ]);
});

t.test('export failure: reported and retried later; success: recorded', async (t) => {
  let fail = true;
  const uploads: string[] = [];
  const s = await setup(t, true, {
    exportDisk: async (id, path) => {
      if (fail) throw new Error('controller away');
      uploads.push(`${id} ${path}`);
    },
  });
  s.exec.local.set(ID, {
    id: ID,
    scheme: 'fake',
    phase: 'stopped',
    reason: '',
    guestReady: false,
    generation: 1,
    rebootCount: 0,
  });
  await s.exec.run(ID, want(), [{ kind: 'exportDisk', transferId: 'T1', flat: false }]);
  t.same(s.states(), ['stopped disk export failed: controller away']);
  t.same(s.retries, [5_000]);
  fail = false;
  await s.exec.run(ID, want(), [{ kind: 'exportDisk', transferId: 'T1', flat: false }]);
  t.same(uploads, [`T1 /disks/${ID}`]);
  t.equal(s.exec.local.get(ID)!.exported, 'T1');
});

t.test('destroy: here or not, reported; stale copies removed', async (t) => {
  const s = await setup(t, true);
  await s.exec.run(ID, want({ desired: 'destroyed' }), [{ kind: 'destroy' }]);
  t.ok(s.exec.destroyedReported.has(ID));
  s.exec.local.set('B', {
    id: 'B',
    scheme: 'fake',
    phase: 'running',
    reason: '',
    guestReady: true,
    generation: 3,
    rebootCount: 0,
  });
  await s.exec.run('B', undefined, [{ kind: 'removeStale' }]);
  t.same(s.driver.calls, ['stop B', 'destroy B']);
  t.notOk(s.exec.local.has('B'));
  t.same(
    s.reports.map((r) => [r.vmId, r.state, r.generation]),
    [
      [ID, 'destroyed', 1],
      ['B', 'destroyed', 3],
    ],
  );
});

t.test('runner: apply decides and acts; the same desired state twice does nothing more; locks dropped', async (t) => {
  const store = await LevelStore.open(join(tmpDir('nephele-runner-'), 'db'));
  t.teardown(() => store.close());
  const driver = new FakeDriver(true);
  const reports: Report[] = [];
  const runner = new Runner({
    drivers: [driver],
    store,
    log: silentLogger,
    report: async (r) => void reports.push(r),
    clock: new FakeClock(),
  });
  await runner.start();
  runner.apply([want()]);
  await until(() => driver.listening === 1, 'waiting for the guest');
  driver.ready(ID);
  await runner.settled();
  runner.apply([want()]);
  await runner.settled();
  t.same(driver.calls, [`create ${ID}`]);
  t.same(
    reports.map((r) => r.state),
    ['creating', 'running'],
  );
  t.equal((runner as unknown as { locks: { size: number } }).locks.size, 0, 'no idle lock kept');
  runner.setOwner('busy');
  await runner.settled();
  t.same(driver.calls.at(-1), `suspend ${ID}`);
  t.same(reports.at(-1)?.reason, 'owner active');
});

t.test('a linked clone: its base is fetched into the cache before create, the driver gets the path', async (t) => {
  const asked: string[] = [];
  const s = await setup(t, true, {
    ensureBase: async (ref) => (asked.push(ref.sha256), `/cache/${ref.sha256}`),
  });
  const baseImage = {
    imageId: '01J00000000000000000000IMG',
    sha256: 'ab'.repeat(32),
    sizeBytes: 1000,
    format: 'IMAGE_FORMAT_TAR' as const,
    bootImage: '',
  };
  const d = want({ hidden: true, spec: { ...want().spec!, baseImage } });
  const done = s.exec.run(ID, d, [{ kind: 'create' }]);
  await until(() => s.driver.listening === 1, 'created');
  s.driver.ready(ID);
  await done;
  t.same(asked, ['ab'.repeat(32)]);
  t.same(s.driver.specs[0]!.base, {
    imageId: baseImage.imageId,
    sha256: baseImage.sha256,
    format: 'tar',
    bootImage: '',
    path: `/cache/${'ab'.repeat(32)}`,
  });
  t.equal(s.driver.specs[0]!.hidden, true, 'a management instance is created hidden');
  t.equal(s.exec.local.get(ID)!.hidden, true, 'and the runner knows it');
  t.same(s.states(), ['creating creating', 'creating fetching the base image', 'running guest ready']);

  // A base that cannot be fetched: the VM fails with the reason, nothing is created.
  const f = await setup(t, true, {
    ensureBase: async () => {
      throw new Error('base image: sha256 does not match the data received');
    },
  });
  await f.exec.run(ID, d, [{ kind: 'create' }]);
  t.same(f.driver.calls, []);
  t.match(f.states().at(-1), /failed create failed: base image: sha256/);
  const none = await setup(t, true);
  await none.exec.run(ID, d, [{ kind: 'create' }]);
  t.match(none.states().at(-1), /failed create failed: this agent keeps no image cache/);
});

t.test('setHidden: the driver hides, the record keeps it; a failure is reported and retried', async (t) => {
  const s = await setup(t, true);
  const done = s.exec.run(ID, want(), [{ kind: 'create' }]);
  await until(() => s.driver.listening === 1, 'created');
  s.driver.ready(ID);
  await done;
  t.equal(s.exec.local.get(ID)!.hidden, false);
  await s.exec.run(ID, want({ hidden: true }), [{ kind: 'setHidden', hidden: true }]);
  t.same(s.driver.calls.slice(-1), [`setHidden ${ID} true`]);
  const stored = await s.store.get<{ hidden: boolean; handle: VmHandle }>('vms', ID);
  t.equal(stored?.value.hidden, true, 'persisted: a restarted agent keeps it hidden');
  t.equal(stored?.value.handle.spec.hidden, true, 'a restart of the vm starts it hidden');
  s.driver.hideFails = true;
  await s.exec.run(ID, want(), [{ kind: 'setHidden', hidden: false }]);
  t.equal(s.exec.local.get(ID)!.hidden, true, 'unchanged');
  t.match(s.states().at(-1), /running unhide failed: forward busy/);
  t.same(s.retries, [5_000], 'tried again later');
});

t.test(
  'runner: hidden converges level-triggered, survives an agent restart; commands see the desired generation',
  async (t) => {
    const dir = tmpDir('nephele-act-');
    let store = await LevelStore.open(join(dir, 'db'));
    const driver = new FakeDriver(true);
    const make = () =>
      new Runner({ drivers: [driver], store, log: silentLogger, report: async () => {}, clock: new FakeClock() });
    let runner = make();
    await runner.start();
    runner.apply([want()]);
    await until(() => driver.listening === 1, 'waiting for the guest');
    driver.ready(ID);
    await runner.settled();
    runner.apply([want({ hidden: true, generation: 2 })]);
    await runner.settled();
    runner.apply([want({ hidden: true, generation: 2 })]);
    await runner.settled();
    t.same(driver.calls, [`create ${ID}`, `setHidden ${ID} true`], 'hidden once');
    t.equal(runner.commandVm(ID)?.generation, 2, 'the generation the controller wants now');
    t.equal(runner.commandVm('01J00000000000000000000001'), undefined);
    t.same([...runner.baseShas()], []);
    await store.close();
    store = await LevelStore.open(join(dir, 'db'));
    t.teardown(() => store.close());
    runner = make();
    await runner.start();
    t.same(driver.calls.at(-1), `setHidden ${ID} true`, 'a re-attached management instance is hidden again');
    runner.apply([want({ generation: 2 })]);
    await runner.settled();
    t.same(driver.calls.at(-1), `setHidden ${ID} false`, 'shown again when the controller says so');
  },
);

t.test(
  'resize on a driver without a live resize (qemu): stopped, started at the new size, reported resized',
  async (t) => {
    const s = await setup(t, true);
    const created = s.exec.run(ID, want(), [{ kind: 'create' }]);
    await until(() => s.driver.listening === 1, 'waiting for the guest');
    s.driver.ready(ID);
    await created;
    const bigger = want({ spec: { ...want().spec!, vcpus: 2, memoryMib: 256 } });
    const done = s.exec.run(ID, bigger, [{ kind: 'resize' }]);
    await until(() => s.driver.listening === 1, 'waiting for the restarted guest');
    s.driver.ready(ID);
    await done;
    t.same(s.driver.calls, [`create ${ID}`, `stop ${ID}`, `start ${ID}`]);
    t.same(s.states().slice(-2), ['creating restarting at a new size', 'running resized to 2 vcpus, 256 MiB']);
    const h = s.exec.local.get(ID)!.handle!;
    t.same([h.spec.vcpus, h.spec.memoryMiB], [2, 256], 'started with the new -smp/-m');
  },
);
