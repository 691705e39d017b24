// Reclassification's resize on the agent: the runner decides a `resize` when
// the desired vcpus/memory differ from what runs, and the process driver's
// cgroup limits change live (written to a fake cgroup tree here).
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decide, type LocalVm } from '../../agent/runner/decide.js';
import { limit, resizedHandle } from '../../agent/drivers/process/cgroup.js';
import type { VmHandle, VmSpec } from '../../agent/drivers/driver.js';
import type { DesiredVm } from '../../common/grpc/convert.js';

const ID = '01J00000000000000000000000';
const spec = (vcpus: number, memoryMiB: number): VmSpec => ({
  id: ID,
  name: 'vm',
  vcpus,
  memoryMiB,
  diskGiB: 1,
  image: '',
  appliancePort: 8080,
  config: {},
});
const handle = (s: VmSpec, limits = 'cgroup2 memory+cpu'): VmHandle => ({
  id: ID,
  scheme: 'process',
  spec: s,
  pid: 1,
  pidStartTime: '',
  hostPort: 0,
  extra: { limits },
});
const desired = (vcpus: number, memoryMib: number, o: Partial<DesiredVm> = {}): DesiredVm => ({
  vmId: ID,
  name: 'vm',
  spec: {
    scheme: 'process',
    vcpus,
    memoryMib,
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
});
const local = (phase: LocalVm['phase'], s: VmSpec): LocalVm => ({
  id: ID,
  scheme: 'process',
  phase,
  reason: '',
  guestReady: phase === 'running',
  generation: 1,
  rebootCount: 0,
  handle: handle(s),
});
const run = (d: DesiredVm, l: LocalVm) =>
  decide({ desired: d, local: l, haveDesired: true, ownerBusy: false, destroyedReported: false });

t.test('decide: a running vm at another size is resized; the same size is converged', async (t) => {
  t.same(run(desired(2, 256), local('running', spec(1, 128))), [{ kind: 'resize' }], 'vcpus and memory');
  t.same(run(desired(1, 256), local('running', spec(1, 128))), [{ kind: 'resize' }], 'memory only');
  t.same(run(desired(4, 128), local('running', spec(1, 128))), [{ kind: 'resize' }], 'vcpus only');
  t.same(run(desired(1, 128), local('running', spec(1, 128))), [], 'same size: nothing');
});

t.test('decide: a resize waits for what comes first', async (t) => {
  // A stopped VM starts at the new size (restart), a suspended one is resumed first, a reboot goes first.
  t.same(run(desired(2, 256), local('stopped', spec(1, 128))), [{ kind: 'restart' }]);
  t.same(run(desired(2, 256), local('suspended', spec(1, 128))), [{ kind: 'resume', reason: 'resumed' }]);
  t.same(run(desired(2, 256, { rebootCount: 1 }), local('running', spec(1, 128))), [{ kind: 'reboot' }]);
  t.same(run(desired(2, 256, { desired: 'stopped' }), local('running', spec(1, 128))), [
    { kind: 'stop', reason: 'stopped as requested' },
  ]);
  t.same(run(desired(2, 256), { ...local('creating', spec(1, 128)) }), [], 'still creating: later');
});

t.test('cgroup v2: resize rewrites cpu.max and memory.max of the live cgroup', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cg-'));
  t.equal(limit('v2', ID, 0, 128 * 2 ** 20, 1, root), 'cgroup2 memory+cpu');
  const next = resizedHandle('v2', handle(spec(1, 128)), spec(3, 512), root);
  const dir = join(root, 'nephele', ID);
  t.equal(readFileSync(join(dir, 'cpu.max'), 'utf8'), '300000 100000');
  t.equal(readFileSync(join(dir, 'memory.max'), 'utf8'), String(512 * 2 ** 20));
  t.equal(next.spec.vcpus, 3);
  t.equal(next.spec.memoryMiB, 512);
  t.equal(next.pid, 1, 'same process');
});

t.test('cgroup v1: quota and limit_in_bytes rewritten', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cg-'));
  resizedHandle('v1', handle(spec(1, 128), 'cgroup1 memory+cpu'), spec(2, 256), root);
  t.equal(readFileSync(join(root, 'cpu', 'nephele', ID, 'cpu.cfs_quota_us'), 'utf8'), '200000');
  t.equal(readFileSync(join(root, 'memory', 'nephele', ID, 'memory.limit_in_bytes'), 'utf8'), String(256 * 2 ** 20));
});

t.test('a vm under no cgroup records its size; a cgroup that cannot be written fails', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cg-'));
  t.equal(resizedHandle('none', handle(spec(1, 128), 'none'), spec(2, 256), root).spec.vcpus, 2);
  t.throws(() => resizedHandle('v2', handle(spec(1, 128)), spec(2, 256), join(root, 'missing', '\0bad')));
});
