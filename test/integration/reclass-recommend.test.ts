// Recommendations from real usage data, through the real CLI against a real
// controller: fake agents' VMs metered through the ingest path (a UsageBatch on
// the agent session, 48 backdated hours), rolled up by the controller's rollup
// job, analyzed, simulated and recommended. A CPU-bound VM goes up (not
// applicable: its tenant's vCPU quota is full), an idle one onto a busier VM of
// its tenant, one whose manifest requires secure-os moves to the host labelled
// with it; a second run changes nothing (hysteresis); ls and show lay it out.
import t, { type Test } from 'tap';
import type { VmUsage } from '../../common/gen/nephele/v1/VmUsage.js';
import type { Recommendation__Output as Rec } from '../../common/gen/nephele/v1/Recommendation.js';
// The CLI's --json prints our short enum names (resize, open, peer_vm), not the proto's: compared as strings.
import { cli, FAST, joinToken, startController } from '../helpers/procs.js';
import { fakeAgent, fakeInventory } from '../helpers/fake-agent.js';
import { createProcessVm } from '../helpers/usage-meter.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { join } from 'node:path';

const GiB = 2 ** 30;
const HOUR = 3_600_000;
const big = (name: string) => {
  const guest = { vcpus: 16, memoryBytes: 32 * GiB, diskBytes: 500 * GiB };
  return { ...fakeInventory(name), total: guest, guest };
};

t.test('recommend from metered usage: up (over quota), onto a busier VM, to the secure-os host', async (t) => {
  const ctl = await startController(tmpDir(), { args: [...FAST, '--usage-rollup-cron', '* * * * * *'] });
  let secureVm = '';
  const plain = await fakeAgent(ctl, {
    joinToken: await joinToken(ctl),
    name: 'plain',
    inventory: big('plain'),
    // The VM's appliance declares its needs (nephele-manifest.json, read through the agent).
    command: (c) =>
      c.op === 'readManifest' || c.readManifest
        ? {
            commandId: c.commandId,
            ok: true,
            manifestJson: c.vmId === secureVm ? JSON.stringify({ required_features: ['secure-os'] }) : '',
          }
        : undefined,
  });
  const secure = await fakeAgent(ctl, {
    joinToken: await joinToken(ctl),
    name: 'secure',
    inventory: big('secure'),
    labels: { 'secure-os': 'true' },
  });
  t.teardown(async () => {
    plain.close();
    secure.close();
    await ctl.kill();
  });
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const run = (...args: string[]) => cli([...base, ...args]);
  t.equal((await run('tenant', 'create', 'acme', '--vcpus', '8')).code, 0);
  const vm = async (name: string, vcpus: number, gib: number, cls: string, tenant = 'acme') => {
    const r = await createProcessVm(ctl, plain.hostId, name, [
      ...['--vcpus', String(vcpus), '--memory', `${gib}G`, '--vm-class', cls, '--tenant', tenant],
    ]);
    t.equal(r.code, 0, r.stderr);
    return r.id;
  };
  const busy = await vm('busy', 2, 4, 'medium');
  const idle = await vm('idle', 4, 8, 'large');
  const steady = await vm('steady', 2, 4, 'medium');
  secureVm = await vm('needs-secure', 2, 4, 'medium', 'default');

  await meter(plain, [
    [busy, 1.9, 1000],
    [idle, 0.02, 300],
    [steady, 0.3, 600],
    [secureVm, 0.9, 1500],
  ]);

  // Until the rollup job has run, the VMs have too little data: nothing is recommended.
  const recommend = async (...args: string[]) => {
    const r = await run('--json', 'reclass', 'recommend', ...args);
    t.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as {
      recommendations: Rec[];
      analyzed: number;
      skippedInsufficientData: number;
      unchanged: number;
    };
  };
  const first = await waitFor(
    async () => {
      const r = await recommend('--tenant', 'acme');
      return r.analyzed === 3 && r.skippedInsufficientData === 0 ? r : undefined;
    },
    { timeoutMs: 30_000, message: 'the rollups give every VM 48 hours of data' },
  );
  const of = (id: string) => first.recommendations.find((r) => r.vmId === id);
  t.equal(first.recommendations.length, 2, 'busy and idle; steady fits and saves nothing worth a change');

  const up = of(busy)!;
  t.equal(up.kind, 'resize');
  t.ok(up.target!.vcpus > 2, `up to ${up.target!.vmClass} (${up.target!.vcpus} vCPUs)`);
  t.ok(up.benefit!.costDeltaPerMonth > 0, 'costs more');
  t.equal(up.benefit!.riskPct, 0);
  t.equal(up.applicable, false, 'the tenant has no vCPUs left');
  t.match(up.notApplicableReason, /^quota vcpus exceeded: \d+ requested, 0 of 8 left$/);
  t.ok(
    up.findings.some((f) => String(f.kind) === 'under_provisioned'),
    'driven by the analysis',
  );

  const down = of(idle)!;
  t.equal(down.kind, 'reassign');
  t.equal(down.target!.kind, 'vm');
  t.equal(down.target!.vmId, steady, 'onto the busier VM of its tenant');
  t.ok(down.benefit!.costDeltaPerMonth < 0, 'saves its whole price');
  t.equal(down.applicable, true);
  t.ok(down.candidates.length >= 2 && down.candidates[0]!.target!.vmId === steady, 'ranked, best first');

  const moved = (await recommend('--vm', secureVm, '--request-id', 'move-1')).recommendations[0]!;
  const retried = await recommend('--vm', secureVm, '--request-id', 'move-1');
  t.same(
    retried.recommendations.map((r) => r.id),
    [moved.id],
    'a retry with the request_id answers with the run it repeats',
  );
  t.equal(moved.kind, 'move');
  t.equal(moved.target!.hostId, secure.hostId, 'to the host labelled secure-os');
  t.same(moved.target!.features, ['secure-os']);
  t.equal(moved.target!.vcpus, 2, 'at the size it needs');

  // Hysteresis: the same data again recommends nothing new.
  const again = await recommend('--tenant', 'acme');
  t.same(again.recommendations, []);
  t.equal(again.unchanged, 2);

  const ls = await run('reclass', 'ls');
  t.equal(ls.code, 0, ls.stderr);
  const lines = ls.stdout.trim().split('\n');
  t.equal(lines.length, 4, 'a header and three open recommendations');
  const row = lines.find((l) => l.includes('busy'))!;
  t.match(
    row,
    /open\s+busy\s+resize\s+medium 2c\/4\.0G\s+1\.90c\/1\.0G\s+\S+ \dc\/\d+\.\dG\s+\d+%\/\d+%\s+0%\s+\+\d+\.\d\d/,
  );
  t.match(row, /no: quota vcpus exceeded/);

  const show = await run('reclass', 'show', up.id);
  t.equal(show.code, 0, show.stderr);
  t.match(show.stdout, /Applicable:\s+no: quota vcpus exceeded/);
  t.match(show.stdout, /CPU used:\s+p50 1\.90 vCPUs\s+p95 1\.90 vCPUs/);
  t.match(show.stdout, /Candidates:\s+fits\s+resize/);
  const json = JSON.parse((await run('--json', 'reclass', 'show', down.id)).stdout) as Rec;
  t.equal(json.id, down.id);
  t.equal(json.state, 'open');
});

/** 48 hours of usage, one record per hour and VM ([vm id, vCPUs used, MiB used]), sent as the agent's meter sends it. */
async function meter(agent: Awaited<ReturnType<typeof fakeAgent>>, load: [string, number, number][]) {
  const hour0 = Math.floor(Date.now() / HOUR) * HOUR;
  const records: VmUsage[] = [];
  for (let h = 48; h >= 1; h--)
    for (const [vmId, cpu, mib] of load)
      records.push({
        vmId,
        startUnixMs: hour0 - h * HOUR,
        endUnixMs: hour0 - (h - 1) * HOUR,
        cpuSeconds: cpu * 3600,
        memoryByteSeconds: mib * 2 ** 20 * 3600,
        diskReadBytes: 0,
        diskWriteBytes: 0,
        netRxBytes: 1000,
        netTxBytes: 1000,
        uptimeSeconds: 3600,
        sources: { cpu: 'cgroup' },
        generation: 1,
      });
  const seq = agent.nextSeq();
  agent.send({ usage: { seq, epoch: 'ab', records, timeUnixMs: Date.now() } });
  await waitFor(() => agent.acked() >= seq, { message: 'the usage batch stored' });
}

/** A controller whose rollups run every second, with one fake agent of 16 vCPUs and 32 GiB. */
async function meteredController(t: Test, name: string) {
  const ctl = await startController(tmpDir(), { args: [...FAST, '--usage-rollup-cron', '* * * * * *'] });
  const agent = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name, inventory: big(name) });
  t.teardown(async () => {
    agent.close();
    await ctl.kill();
  });
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  return { ctl, agent, run };
}

t.test(
  'include_peers: a peer controller offers a VM with spare room (informational, applied on the peer)',
  async (t) => {
    const tgt = await meteredController(t, 'tgt-host');
    const src = await meteredController(t, 'src-host');
    const spare = await createProcessVm(tgt.ctl, tgt.agent.hostId, 'spare', [
      '--vcpus',
      '2',
      '--memory',
      '4G',
      '--vm-class',
      'small',
    ]);
    const lonely = await createProcessVm(src.ctl, src.agent.hostId, 'lonely', [
      '--vcpus',
      '2',
      '--memory',
      '4G',
      '--vm-class',
      'medium',
    ]);
    t.equal(spare.code, 0, spare.stderr);
    t.equal(lonely.code, 0, lonely.stderr);
    await meter(tgt.agent, [[spare.id, 0.5, 1000]]);
    await meter(src.agent, [[lonely.id, 0.05, 200]]);
    const fed = await tgt.run('token', 'create', '--api', '--role', 'federation', '-q');
    t.equal(fed.code, 0, fed.stderr);
    const add = await src.run(
      'peer',
      'add',
      'tgt',
      tgt.ctl.address,
      '--ca',
      join(tgt.ctl.dataDir, 'ca.pem'),
      '--token',
      fed.stdout.trim(),
    );
    t.equal(add.code, 0, add.stderr);
    // The peer's rollups must have run too: wait until it offers the VM.
    const rec = await waitFor(
      async () => {
        const r = await src.run('--json', 'reclass', 'recommend', '--vm', lonely.id, '--peers');
        t.equal(r.code, 0, r.stderr);
        const got = (JSON.parse(r.stdout) as { recommendations: Rec[] }).recommendations[0];
        return got?.candidates.some((c) => String(c.target!.kind) === 'peer_vm') ? got : undefined;
      },
      { timeoutMs: 30_000, message: 'the peer offers its spare VM' },
    );
    const offered = rec.candidates.find((c) => String(c.target!.kind) === 'peer_vm')!;
    t.equal(offered.target!.peer, 'tgt');
    t.equal(offered.target!.vmId, spare.id);
    t.equal(offered.kind, 'reassign');
    t.match(offered.explanation, /apply on the peer/);
    t.not(rec.target!.kind, 'peer_vm', 'the best is one this controller can apply (fewer moves)');
  },
);
