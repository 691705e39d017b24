// The appliance monitor at scale (issue 14, "Done when": probes over process
// VMs at scale): a real controller, two real agents and a set of 50 process
// VMs; a policy set through the CLI (every 2 s, an http probe) → every
// appliance is polled each interval: its poll count in `nephele --json monitor
// ls` advances by about the elapsed intervals, no VM missing, no row missed.
// Policy validation through the CLI: INVALID_ARGUMENT naming the field.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Appliance__Output as Appliance } from '../../common/gen/nephele/v1/Appliance.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, hostsReady, startAgent, startController } from '../helpers/procs.js';

const VMS = 50;
const INTERVAL_S = 2;

t.test('50 process VMs on 2 agents: every appliance polled each interval', async (t) => {
  const ctl = await startController(tmpDir());
  // Enough advertised vCPUs for 25 one-vCPU VMs each on a 2-core runner.
  const agents = [
    startAgent(ctl.address, tmpDir(), {
      joinToken: await joinToken(ctl),
      name: 'scale-a',
      args: ['--guest-vcpus', '64'],
    }),
    startAgent(ctl.address, tmpDir(), {
      joinToken: await joinToken(ctl),
      name: 'scale-b',
      args: ['--guest-vcpus', '64'],
    }),
  ];
  t.teardown(async () => {
    await Promise.all(agents.map((a) => a.kill()));
    await ctl.kill();
  });
  await hostsReady(ctl, 2);
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    t.equal(r.code, 0, `${args.join(' ')}: exit 0 ${r.stderr}`);
    t.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`);
    return r;
  };

  let started = Date.now();
  const made = await run(
    ...`--json set create --name scale --count ${VMS} --scheme process --memory 32M --wait --timeout 90s`.split(' '),
  );
  t.equal(made.code, 0, made.stderr); // stderr: --wait's progress
  const setId = (JSON.parse(made.stdout) as VmSet).id;
  t.comment(`${VMS} process VMs running in ${Date.now() - started} ms`);

  const policy = await ok(
    ...['monitor', 'policy', 'set', 'set:scale', '--interval', `${INTERVAL_S}s`, '--probe', 'web=http:/,status=200'],
  );
  t.match(policy.stdout, /^Enabled:\s+yes$/m, 'the policy is on');
  t.match(policy.stdout, /^Schedule:\s+every 2s/m);

  const table = async (): Promise<Map<string, Appliance>> => {
    const r = await ok('--json', 'monitor', 'ls', '--set', setId);
    return new Map((JSON.parse(r.stdout) as Appliance[]).map((a) => [a.vmId, a]));
  };
  // Every VM has a row, monitored, polled at least once, its probe passing.
  started = Date.now();
  const first = await waitFor(
    async () => {
      const rows = await table();
      const all = [...rows.values()];
      return all.length === VMS && all.every((a) => a.monitored && Number(a.polls) > 0 && a.probes[0]?.ok)
        ? rows
        : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 500, message: 'every appliance polled, its probe passing' },
  );
  const t0 = Date.now();
  t.comment(`all ${VMS} polled within ${t0 - started} ms of the policy`);
  const hosts = new Set([...first.values()].map((a) => a.hostId));
  t.equal(hosts.size, 2, 'the VMs are spread over both agents');
  for (const a of first.values()) t.equal(String(a.appState), 'running', `${a.vmName}: running`);

  // Four intervals later each VM has been polled about four more times.
  const ROUNDS = 4;
  const after = await waitFor(
    async () => {
      if (Date.now() - t0 < ROUNDS * INTERVAL_S * 1000) return undefined;
      return table();
    },
    { timeoutMs: 30_000, intervalMs: 200, message: 'four intervals' },
  );
  const elapsedS = (Date.now() - t0) / 1000;
  const expected = elapsedS / INTERVAL_S;
  t.equal(after.size, VMS, 'no VM missing');
  const deltas = [...after.values()].map((a) => Number(a.polls) - Number(first.get(a.vmId)?.polls ?? NaN));
  t.comment(
    `over ${elapsedS.toFixed(1)} s (${expected.toFixed(1)} intervals): polls per VM ${Math.min(...deltas)}..${Math.max(...deltas)}`,
  );
  const short = [...after.values()].filter((_, i) => !(deltas[i]! >= Math.floor(expected) - 1));
  t.same(
    short.map((a) => a.vmName),
    [],
    'no appliance missed a poll',
  );
  const over = [...after.values()].filter((_, i) => !(deltas[i]! <= Math.ceil(expected) + 1));
  t.same(
    over.map((a) => a.vmName),
    [],
    'and none polled more often than the interval',
  );
  for (const a of after.values())
    if (!(Number(a.lastPollUnixMs) >= Date.now() - 3 * INTERVAL_S * 1000)) t.fail(`${a.vmName}: last poll too old`);
  const faulted = [...after.values()].filter((a) => String(a.appState) !== 'running' || !a.probes[0]?.ok);
  t.same(
    faulted.map((a) => a.vmName),
    [],
    'every probe passing',
  );
  t.same(JSON.parse((await ok('--json', 'monitor', 'actions', '--set', setId)).stdout), [], 'no action taken');

  // Policy validation: the service's INVALID_ARGUMENT names the field, one line on stderr, exit 1.
  const refused = async (args: string[], re: RegExp) => {
    const r = await run('monitor', 'policy', 'set', 'set:scale', ...args);
    t.equal(r.code, 1, `${args.join(' ')}: exit 1`);
    t.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
    t.match(r.stderr.trimEnd(), re, `${args.join(' ')}: ${r.stderr.trim()}`);
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  };
  await refused(['--rogue', 'name=bad,comm=(['], /^nephele: INVALID_ARGUMENT: policy\.rogue\[0\]\.name_regex:/);
  await refused(
    ['--rogue', 'name=bad,cmdline=a{2,1}'],
    /^nephele: INVALID_ARGUMENT: policy\.rogue\[0\]\.cmdline_regex:/,
  );
  await refused(['--cron', '61 * * * *'], /^nephele: INVALID_ARGUMENT: policy\.cron:/);
  await refused(['--cron', 'every minute'], /^nephele: INVALID_ARGUMENT: policy\.cron:/);
  // Negative thresholds: the flags are refused by the CLI, a policy file by the service.
  await refused(['--failures=-1'], /^nephele: --failures: /);
  const file = join(tmpDir(), 'policy.json');
  writeFileSync(file, JSON.stringify({ intervalS: INTERVAL_S, thresholds: { failures: -1, windowS: 10 } }));
  await refused(['--file', file], /^nephele: INVALID_ARGUMENT: policy\.thresholds\.failures: /);
  writeFileSync(file, JSON.stringify({ intervalS: INTERVAL_S, thresholds: { failures: 3, windowS: -5 } }));
  await refused(['--file', file], /^nephele: INVALID_ARGUMENT: policy\.thresholds\.window_s: /);
  writeFileSync(file, JSON.stringify({ intervalS: -2 }));
  await refused(['--file', file], /^nephele: INVALID_ARGUMENT: policy\.interval_s: /);
  const still = await ok('--json', 'monitor', 'policy', 'show', 'set:scale');
  t.match(JSON.parse(still.stdout), { intervalS: INTERVAL_S, enabled: true }, 'the refused sets changed nothing');
});
