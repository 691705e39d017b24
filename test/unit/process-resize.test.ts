// Reclassification's resize on the agent: the process driver's cgroup limits
// change live (written to a fake cgroup tree here). The runner's decision is in
// runner-decide.test.ts, its restart fallback in runner-act.test.ts.
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limit, resizedHandle } from '../../agent/drivers/process/cgroup.js';
import type { VmHandle, VmSpec } from '../../agent/drivers/driver.js';

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
t.test('cgroup v2: resize rewrites cpu.max and memory.max of the live cgroup', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cg-'));
  t.equal(limit('v2', ID, 0, 128 * 2 ** 20, 1, root), 'cgroup2 memory+cpu');
  const vmDir = mkdtempSync(join(tmpdir(), 'vm-'));
  const next = resizedHandle('v2', handle(spec(1, 128)), spec(3, 512), { root, dir: vmDir });
  const dir = join(root, 'nephele', ID);
  t.equal(readFileSync(join(dir, 'cpu.max'), 'utf8'), '300000 100000');
  t.equal(readFileSync(join(dir, 'memory.max'), 'utf8'), String(512 * 2 ** 20));
  t.equal(next.spec.vcpus, 3);
  t.equal(next.spec.memoryMiB, 512);
  t.equal(next.pid, 1, 'same process');
  t.same(JSON.parse(readFileSync(join(vmDir, 'handle.json'), 'utf8')), next, 'recorded for recover()');
});

t.test('cgroup v1: quota and limit_in_bytes rewritten', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cg-'));
  resizedHandle('v1', handle(spec(1, 128), 'cgroup1 memory+cpu'), spec(2, 256), { root });
  t.equal(readFileSync(join(root, 'cpu', 'nephele', ID, 'cpu.cfs_quota_us'), 'utf8'), '200000');
  t.equal(readFileSync(join(root, 'memory', 'nephele', ID, 'memory.limit_in_bytes'), 'utf8'), String(256 * 2 ** 20));
});

t.test('a vm under no cgroup records its size; a cgroup that cannot be written fails', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cg-'));
  t.equal(resizedHandle('none', handle(spec(1, 128), 'none'), spec(2, 256), { root }).spec.vcpus, 2);
  t.throws(() => resizedHandle('v2', handle(spec(1, 128)), spec(2, 256), { root: join(root, 'missing', '\0bad') }));
});
