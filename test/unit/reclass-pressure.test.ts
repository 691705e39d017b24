// Pressure counters on the agent (issue 15): read from cgroup files (v2
// cpu.stat throttled_usec + memory.events oom_kill; v1 cpu.stat throttled_time
// + memory.oom_control oom_kill), turned into one interval's deltas (a counter
// that went down started over), kept when a reading is missing.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupOf, cgroupV1Pressure, cgroupV2 } from '../../agent/drivers/process/usage.js';
import { carryUnread, intervalOf, type Baseline } from '../../agent/usage/sample.js';
import { zeroStats } from '../../agent/drivers/driver.js';
import { tmpDir } from '../helpers/tmp.js';

t.test('cgroup files → cumulative pressure counters', async (t) => {
  const v2 = tmpDir();
  writeFileSync(join(v2, 'cpu.stat'), 'usage_usec 5000000\nnr_throttled 3\nthrottled_usec 2500000\n');
  writeFileSync(join(v2, 'memory.events'), 'low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\n');
  t.match(cgroupV2(v2), { cpuSeconds: 5, oomKills: 2, throttledSeconds: 2.5 });
  const cpu = tmpDir();
  const mem = tmpDir();
  writeFileSync(join(cpu, 'cpu.stat'), 'nr_periods 10\nnr_throttled 2\nthrottled_time 1500000000\n');
  writeFileSync(join(mem, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n');
  t.same(cgroupV1Pressure(cpu, mem), { oomKills: 1, throttledSeconds: 1.5 });
  t.same(cgroupV1Pressure(join(cpu, 'gone'), join(mem, 'gone')), { oomKills: undefined, throttledSeconds: undefined });
  t.same(cgroupOf('VM', 'cgroup2 memory+cpu', '/cg'), { v2: '/cg/nephele/VM' });
  t.same(cgroupOf('VM', 'cgroup1 memory+cpu', '/cg'), { cpu: '/cg/cpu/nephele/VM', memory: '/cg/memory/nephele/VM' });
  t.equal(cgroupOf('VM', 'none (EACCES)'), undefined);
});

t.test('intervals carry the growth of the pressure counters', async (t) => {
  const at = (ms: number, o: Partial<ReturnType<typeof zeroStats>>): Baseline => ({
    atUnixMs: ms,
    pid: 7,
    stats: { ...zeroStats(), uptimeSeconds: ms / 1000, ...o },
  });
  const a = at(60_000, { oomKills: 1, throttledSeconds: 10 });
  const b = at(120_000, { oomKills: 3, throttledSeconds: 12.5 });
  t.match(intervalOf('VM', a, b, 1, {}), { oomKills: 2, throttledSeconds: 2.5 });
  t.match(intervalOf('VM', undefined, a, 1, {}), { oomKills: 1, throttledSeconds: 10 }, 'first sight: all of it');
  t.match(intervalOf('VM', a, at(120_000, {}), 1, {}), { oomKills: 0, throttledSeconds: 0 }, 'no source: none');
  const unread = carryUnread(a, 7, at(120_000, {}).stats);
  t.match(
    unread,
    { oomKills: 1, throttledSeconds: 10 },
    'a missing reading keeps the last value (no double count later)',
  );
});
