import t from 'tap';
import type { Test } from 'tap';
import { readFileSync } from 'node:fs';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { hostIdOf, joinToken, listHosts, startAgent, startController, type Proc } from '../helpers/procs.js';
import { processesWhere } from '../helpers/reap.js';
import { createProcessVm, readUsage, seqsStored } from '../helpers/usage-meter.js';
import { dirtyKey, hourOf, type UsageRecord } from '../../controller/usage/model.js';

// Metering end to end: real agent processes metering process VMs, a real
// controller storing what they send, the records read back from its store.

const INTERVAL = ['--usage-interval', '1s'];

/** A VM's processes: those naming it (wrappers too) and everything under them. */
function vmTree(vmId: string): number[] {
  const out = new Set<number>();
  const queue = processesWhere((cmd) => cmd.includes(vmId));
  while (queue.length) {
    const p = queue.shift()!;
    if (out.has(p)) continue;
    out.add(p);
    try {
      queue.push(
        ...readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
      );
    } catch {
      /* gone */
    }
  }
  return [...out];
}

/** What /proc says the VM's processes used: own CPU time plus that of the children they reaped. */
function procCpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const p of pids) {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      ticks += Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
    } catch {
      /* gone */
    }
  }
  return ticks / 100;
}

const comms = (pids: number[]) =>
  pids.map((p) => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  });

const stored = (p: Proc) => seqsStored(p).length;

// Burns a fixed amount of CPU (no forks: all of it in the shell), writes 4 MiB to
// its home and reads them back past the page cache, then idles.
const BURN =
  'i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done; ' +
  'dd if=/dev/zero of=f bs=64k count=64 conv=fsync 2>/dev/null; dd if=f of=/dev/null bs=64k iflag=direct 2>/dev/null; ' +
  'exec sleep 600';

async function fleet(t: Test, ctlEnv: Record<string, string> = {}) {
  const cdir = tmpDir();
  const env = { NEPHELE_LOG_LEVEL: 'debug', ...ctlEnv };
  const ctl = await startController(cdir, { env });
  const adir = tmpDir();
  const agent = startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), args: INTERVAL });
  await waitFor(async () => (await listHosts(ctl))[0]?.state === 'HOST_STATE_READY', {
    timeoutMs: 30_000,
    message: 'host ready',
  });
  const create = async (name: string, task: string) => {
    const r = await createProcessVm(ctl, hostIdOf(adir), name, ['--config', `task=${task}`]);
    t.equal(r.code, 0, `${name} runs: ${r.stderr}`);
    t.equal(r.stderr.includes('{'), false, 'no JSON on stderr');
    return r.id;
  };
  return { ctl, agent, adir, cdir, env, create };
}

/** Waits until the VM's burn is over (its shell became `sleep`) and returns what /proc says it used. */
async function burnt(vmId: string): Promise<number> {
  await waitFor(() => comms(vmTree(vmId)).includes('sleep'), { timeoutMs: 120_000, message: 'burn done' });
  return procCpuSeconds(vmTree(vmId));
}

function continuity(t: Test, recs: UsageRecord[]): void {
  const sorted = [...recs].sort((a, b) => a.startUnixMs - b.startUnixMs);
  const gaps = sorted.slice(1).filter((r, i) => r.startUnixMs !== sorted[i]!.endUnixMs);
  t.same(
    gaps.map((g) => g.startUnixMs),
    [],
    'every interval starts where the previous one ended: none missing, none twice',
  );
}

const sum = (rs: UsageRecord[], k: keyof UsageRecord) => rs.reduce((n, r) => n + (r[k] as number), 0);

t.test("recorded CPU matches /proc; memory and disk are counted; dimensions are the controller's", async (t) => {
  const { ctl, agent, cdir, create } = await fleet(t);
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
  });
  const vmId = await create('burner', BURN);
  const reference = await burnt(vmId);
  const after = stored(ctl);
  await waitFor(() => stored(ctl) >= after + 3, { timeoutMs: 30_000, message: 'three more usage batches stored' });
  await agent.kill();
  await ctl.stop();
  const { raw, dirty } = await readUsage(cdir);
  const mine = raw.filter((r) => r.vmId === vmId);
  t.ok(mine.length >= 3, `records stored (${mine.length})`);
  continuity(t, mine);
  const cpu = sum(mine, 'cpuSeconds');
  t.ok(reference > 0.5, `the burn used CPU (${reference}s)`);
  t.ok(Math.abs(cpu - reference) <= reference * 0.1, `recorded ${cpu.toFixed(2)} cpu-s, /proc says ${reference}`);
  const up = sum(mine, 'uptimeSeconds');
  const avgRss = sum(mine, 'memoryByteSeconds') / up;
  t.ok(avgRss > 100 * 1024 && avgRss < 512 * 2 ** 20, `average RSS plausible (${Math.round(avgRss / 1024)} KiB)`);
  t.ok(sum(mine, 'diskWriteBytes') >= 4 * 2 ** 20, `4 MiB written counted (${sum(mine, 'diskWriteBytes')})`);
  t.ok(sum(mine, 'diskReadBytes') >= 4 * 2 ** 20, `4 MiB read counted (${sum(mine, 'diskReadBytes')})`);
  const r = mine[0]!;
  t.match(r, {
    hostId: r.hostId,
    tenant: 'default',
    vmName: 'burner',
    scheme: 'process',
    vmClass: '1c-64m',
    vcpus: 1,
    memoryMib: 64,
    source: '',
  });
  t.match(
    r.sources,
    { cpu: /^(cgroup|proc)$/, disk: /^(cgroup|proc-io)$/, net: 'none' },
    'every counter says where it came from',
  );
  t.ok(Math.abs(sum(mine, 'vcpuSeconds') - up) < 1e-6, 'vCPU-seconds: allocated vCPUs x uptime');
  t.ok(dirty.includes(dirtyKey(hourOf(r.startUnixMs))), 'the hour is marked for its rollup');
});

const sampled = (p: Proc) =>
  p
    .stdout()
    .split('\n')
    .filter((l) => l.includes('"msg":"usage sampled"')).length;

t.test('kill -9 the agent between send and ack, restart the controller mid-stream: every interval once', async (t) => {
  // The first controller stores batches but never acks them: the agent is killed with them stored and still queued.
  const { ctl: first, agent: a1, adir, cdir, create } = await fleet(t, { NEPHELE_TEST_HOLD_ACKS: '1' });
  let agent = a1;
  let ctl = first;
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
  });
  const vmId = await create('burner', BURN.replace('1000000', '2500000'));
  await waitFor(() => stored(ctl) >= 2, { timeoutMs: 30_000, message: 'batches stored, none acked' });
  await agent.kill();
  const before = seqsStored(ctl);
  await ctl.kill(); // the controller goes too, mid-stream
  // The agent comes back while the controller is away: it meters into its outbox.
  agent = startAgent(first.address, adir, { args: INTERVAL, env: { NEPHELE_LOG_LEVEL: 'debug' } });
  await waitFor(() => sampled(agent) >= 2, { timeoutMs: 30_000, message: 'metered while the controller is away' });
  ctl = await startController(cdir, { port: first.port, env: { NEPHELE_LOG_LEVEL: 'debug' } });
  const reference = await burnt(vmId);
  const mark = stored(ctl);
  await waitFor(() => stored(ctl) >= mark + 3, { timeoutMs: 60_000, message: 'usage flows again after the burn' });
  await agent.kill();
  const after = seqsStored(ctl);
  await ctl.stop();

  t.ok(before.length >= 2, `the first controller stored ${before.length} batches, acking none`);
  t.same(
    after.filter((s) => before.includes(s)),
    [],
    'none of them stored again after the restarts',
  );
  const { raw } = await readUsage(cdir);
  const mine = raw.filter((r) => r.vmId === vmId);
  continuity(t, mine);
  const cpu = sum(mine, 'cpuSeconds');
  t.ok(
    Math.abs(cpu - reference) <= Math.max(0.05, reference * 0.02),
    `sum ${cpu.toFixed(2)} cpu-s equals /proc's ${reference}`,
  );
  const span = (Math.max(...mine.map((r) => r.endUnixMs)) - Math.min(...mine.map((r) => r.startUnixMs))) / 1000;
  t.ok(Math.abs(sum(mine, 'uptimeSeconds') - span) < 1, 'uptime adds up to the metered span');
});
