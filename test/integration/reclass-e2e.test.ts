// Reclassification end to end (issue 15): the seed's VM A/B/C example on two
// real agent processes running process VMs, a real controller, the real CLI.
//   A  busy beyond its one vCPU          → upward, to a class with more vCPUs
//   B  idle on two vCPUs                 → downward (or onto an existing VM)
//   C  its manifest (in its image) requires secure-os, on the unlabelled host
//                                        → moved to the host labelled secure-os=true
// Their past 48 hours are backdated usage, delivered through the plain agent's
// own outbox and session (the path every metered interval takes). E has only
// its REAL usage (metered each second, rolled up every 2 s): too little for
// the tenant-wide run's 24 hours, and idle — below the idle bar — when asked
// with a 1-hour minimum (down, or onto an existing VM: the seed's target VM).
// D, as busy as A, is in a tenant whose vCPU quota it fills: its
// recommendation is not applicable, applying it writes nothing, and once D is
// destroyed it is stale. A, B, C and E are applied: each appliance serves (a
// resize live, in the same VM), and a VM that was replaced is retired.
//
// Everything goes through the CLI (`nephele class ...`, `nephele reclass ...`
// as the parts' branches define them); the VMs' records and appliances are read
// directly to check the outcome.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { FAST, hostIdOf, hostsReady, joinToken, startAgent, startController, type Proc } from '../helpers/procs.js';
import { agentArgs, cliOf } from '../helpers/image-world.js';
import { createProcessVm } from '../helpers/usage-meter.js';
import { httpGet, processesWith, vmApi, killWith } from '../helpers/vms.js';
import {
  applianceTarball,
  backdatedRolledUp,
  backdatedUsage,
  deliverThroughAgent,
  hourlyRows,
  jsonReceiver,
  vcpusOf,
  cgroupVcpus,
  vmManifestPath,
  type HourlyLoad,
  type ManifestFile,
} from '../helpers/reclass.js';
import { hourOf } from '../../controller/usage/model.js';
import type { Recommendation__Output as Rec } from '../../common/gen/nephele/v1/Recommendation.js';
import type { VmAnalysis__Output as Analysis } from '../../common/gen/nephele/v1/VmAnalysis.js';
import type { VmClass__Output as VmClass } from '../../common/gen/nephele/v1/VmClass.js';
import type { RecommendResponse__Output as Recommended } from '../../common/gen/nephele/v1/RecommendResponse.js';
import type { ApplyRecommendationResponse__Output as Applied } from '../../common/gen/nephele/v1/ApplyRecommendationResponse.js';

const HOURS = 48;
/** The catalog the test runs on (the shipped one is removed first): cheap, small, one with secure-os. */
const CLASSES: [string, string[]][] = [
  ['e2e-small', ['--vcpus', '1', '--memory', '128M', '--disk', '1G', '--price', '0.01']],
  ['e2e-duo', ['--vcpus', '2', '--memory', '256M', '--disk', '1G', '--price', '0.02']],
  ['e2e-quad', ['--vcpus', '4', '--memory', '512M', '--disk', '1G', '--price', '0.04']],
  ['e2e-secure', ['--vcpus', '1', '--memory', '256M', '--disk', '1G', '--price', '0.015', '--feature', 'secure-os']],
];
const MANIFEST: ManifestFile = {
  min_vcpus: 1,
  min_memory_mib: 64,
  required_features: ['secure-os'],
  modules: ['httpd'],
};

/** An enum value as our name (the CLI's JSON speaks common/model/reclass.ts: 'resize'; the proto's would be RECOMMENDATION_KIND_RESIZE). */
const word = (s: string) =>
  s.toLowerCase().replace(/^(recommendation_kind|recommendation_state|finding_kind|target_kind)_/, '');
const kindOf = (r: Rec) => word(r.kind);
const stateOf = (r: Rec) => word(r.state);
const findings = (a: { findings: { kind: string }[] }) => a.findings.map((f) => word(f.kind));

t.test('the seed example end to end: recommended, applied, serving, old VMs retired', async (t) => {
  const hook = await jsonReceiver();
  const ctl = await startController(tmpDir(), {
    args: [...FAST, '--usage-rollup-cron', '*/2 * * * * *', '--reclass-webhook', hook.url],
  });
  const run = cliOf(ctl);
  const ok = async (...args: string[]) => {
    const r = await run(args);
    t.equal(r.code, 0, `nephele ${args.join(' ')}: ${r.stderr.trim().slice(0, 300)}`);
    return r;
  };
  const json = async <T>(...args: string[]) => JSON.parse((await ok('--json', ...args)).stdout) as T;
  /** Refused: exit 1, nothing on stdout, the status and the field on stderr. */
  const refused = async (args: string[], code: string | RegExp, field: RegExp) => {
    const r = await run(args);
    t.equal(r.code, 1, `nephele ${args.join(' ')}: exit 1`);
    t.equal(r.stdout, '', 'nothing on stdout');
    t.match(r.stderr, code, r.stderr.trim());
    t.match(r.stderr, field);
  };
  const plainDir = tmpDir();
  const secureDir = tmpDir();
  const agentOf = (dir: string, name: string, extra: string[], joinToken?: string) =>
    startAgent(ctl.address, dir, { joinToken, name, args: [...agentArgs(false), '--usage-interval', '1s', ...extra] });
  let plain: Proc = agentOf(plainDir, 'plain', [], await joinToken(ctl));
  let secure: Proc | undefined;
  const vms = vmApi(ctl);
  t.teardown(async () => {
    vms.close();
    await plain.kill();
    await secure?.kill();
    await ctl.kill();
    await hook.close();
    for (const d of [plainDir, secureDir]) killWith(d);
  });
  await hostsReady(ctl, 1);
  const plainHost = hostIdOf(plainDir);

  // ---- the world: E first (its real usage needs time), A, B, D, and C from an imported appliance image.
  await ok('tenant', 'create', 'tight', '--vcpus', '1');
  const create = async (name: string, extra: string[]) => {
    const r = await createProcessVm(ctl, plainHost, name, extra);
    t.equal(r.code, 0, `${name} runs: ${r.stderr.trim()}`);
    return r.id;
  };
  // A VM of one of our classes: its size flags (--vcpus, --memory) and its class name.
  const inClass = (cls: string) => [...CLASSES.find(([n]) => n === cls)![1].slice(0, 4), '--vm-class', cls];
  const E = await create('vm-e', [...inClass('e2e-duo'), '--config', 'title=appliance-e']);
  const A = await create('vm-a', [...inClass('e2e-small'), '--config', 'title=appliance-a']);
  const D = await create('vm-d', ['--tenant', 'tight', ...inClass('e2e-small')]);
  const B = await create('vm-b', [...inClass('e2e-duo'), '--config', 'title=appliance-b']);
  const tar = applianceTarball(tmpDir(), 'secure-app', { config: { title: 'appliance-c' }, manifest: MANIFEST });
  const image = JSON.parse(
    (await ok('--json', 'image', 'import', tar, '--name', 'secure-app', '--memory', '128M')).stdout,
  ) as { id: string };
  const C = await create('vm-c', ['--image', image.id, ...inClass('e2e-small')]);
  t.same(JSON.parse(readFileSync(vmManifestPath(plainDir, C), 'utf8')), MANIFEST, "C's manifest is in its data dir");

  // ---- 48 hours of history for A, B, C, delivered by the plain agent; then the secure-os host joins.
  const loads: [string, string, HourlyLoad][] = [
    [A, 'vm-a', { cpuVcpus: 0.97, memoryMib: 90 }],
    [B, 'vm-b', { cpuVcpus: 0.01, memoryMib: 20 }],
    [C, 'vm-c', { cpuVcpus: 0.6, memoryMib: 100 }],
    [D, 'vm-d', { cpuVcpus: 0.97, memoryMib: 90 }],
  ];
  // Up to the current hour, which is the real meter's (an hour that turns meanwhile stays real).
  const now = Date.now();
  const history = loads.flatMap(([id, , load]) => backdatedUsage(id, load, HOURS, now));
  plain = await deliverThroughAgent(plain, plainDir, history, () => agentOf(plainDir, 'plain', []));
  secure = agentOf(secureDir, 'secure', ['--label', 'secure-os=true'], await joinToken(ctl));
  await hostsReady(ctl, 2);
  const secureHost = hostIdOf(secureDir);
  for (const [id, name, load] of loads) {
    const rows = await backdatedRolledUp(ctl, id, HOURS, hourOf(now));
    t.equal(rows.length, HOURS, `${name}: ${HOURS} backdated hours rolled up`);
    t.ok(
      rows.every((r) => Math.abs(vcpusOf(r) - load.cpuVcpus) < 1e-6 && r.uptimeSeconds === 3600),
      `${name}: every backdated hour at ${load.cpuVcpus} vCPU`,
    );
  }
  t.equal((await vms.get(A)).state, 'VM_STATE_RUNNING', 'the VMs ran on through the agent restart');
  // E's real usage: its current hour, metered by the agent and rolled up.
  const eNow = await waitFor(
    async () => {
      const last = (await hourlyRows(ctl, E, '2h')).at(-1);
      return last && last.uptimeSeconds >= 3 ? last : undefined;
    },
    { timeoutMs: 30_000, message: "E's real usage rolled up" },
  );
  t.pass(`E used ${vcpusOf(eNow).toFixed(3)} vCPU over ${eNow.uptimeSeconds} s (real, metered)`);

  // ---- the catalog: the shipped one, replaced by ours.
  const shipped = await json<VmClass[]>('class', 'ls');
  t.same(
    shipped
      .filter((c) => c.builtin)
      .map((c) => c.name)
      .sort(),
    ['cpu-large', 'large', 'medium', 'mem-large', 'small'],
    'the default catalog ships',
  );
  for (const c of shipped) await ok('class', 'rm', c.name);
  for (const [name, flags] of CLASSES) await ok('class', 'define', name, ...flags);
  t.same(
    (await json<VmClass[]>('class', 'ls')).map((c) => c.name),
    ['e2e-small', 'e2e-secure', 'e2e-duo', 'e2e-quad'],
    'the catalog is ours, by vcpus then memory',
  );

  // ---- bad input: the right status naming the field.
  await refused(['class', 'rm', 'no-such-class'], 'NOT_FOUND', /no-such-class/);
  await refused(['class', 'define', 'Not-A-Name', '--vcpus', '1', '--memory', '128M'], 'INVALID_ARGUMENT', /name/);
  await refused(
    ['reclass', 'analyze', '--tenant', 'default', '--window', '12h', '--min-data', '24h'],
    'INVALID_ARGUMENT',
    /window_hours/,
  );

  // ---- analysis of the tenant's VMs over 72 hours.
  const window = ['--window', '72h', '--min-data', '24h'];
  const analyses = new Map(
    (await json<Analysis[]>('reclass', 'analyze', '--tenant', 'default', ...window)).map((a) => [a.vmId, a]),
  );
  t.same([...analyses.keys()].sort(), [A, B, C, E].sort(), "the tenant's VMs (D is another tenant's)");
  const a = analyses.get(A)!;
  t.ok(Math.abs(a.usage!.cpuVcpus!.p95 - 0.97) < 0.01, `A p95 cpu ${a.usage?.cpuVcpus?.p95}`);
  t.ok(a.usage!.sufficient && a.usage!.dataHours >= HOURS, `A has ${a.usage?.dataHours} hours of data`);
  t.ok(findings(a).includes('under_provisioned'), `A: ${findings(a)}`);
  const b = analyses.get(B)!;
  t.ok(b.usage!.idle || findings(b).includes('over_provisioned'), `B: idle ${b.usage?.idle}, ${findings(b)}`);
  const c = analyses.get(C)!;
  t.same(c.manifest?.requiredFeatures, ['secure-os'], "C's manifest read from the running VM");
  t.equal(c.manifest?.source, 'vm');
  t.ok(findings(c).includes('missing_feature'), `C: ${findings(c)}`);
  t.notOk(c.hostFeatures.includes('secure-os'), "C's host does not offer secure-os");
  const e = analyses.get(E)!;
  t.equal(e.usage!.sufficient, false, `E: ${e.usage?.dataHours} hour(s) of data, 24 needed`);
  t.ok(findings(e).includes('insufficient_data'), `E: ${findings(e)}`);

  // ---- recommendations, one per VM with enough data; each noticed.
  const made = await json<Recommended>('reclass', 'recommend', '--tenant', 'default', ...window);
  const rec = new Map(made.recommendations.map((r) => [r.vmId, r]));
  t.same([...rec.keys()].sort(), [A, B, C].sort(), 'one recommendation per VM with enough data');
  t.equal(made.skippedInsufficientData, 1, 'E skipped: not enough data');
  const rA = rec.get(A)!;
  t.match(kindOf(rA), /^(resize|new_vm)$/, `A: ${rA.explanation}`);
  t.ok(rA.target!.vcpus > 1, `A goes up to ${rA.target?.vcpus} vCPUs (${rA.target?.vmClass})`);
  t.ok(rA.benefit!.projectedCpuP95Pct <= 70, `A projected p95 ${rA.benefit?.projectedCpuP95Pct}%`);
  const rB = rec.get(B)!;
  t.ok(
    kindOf(rB) === 'reassign' ? word(rB.target!.kind) === 'vm' : rB.target!.vcpus < 2,
    `B goes down or onto an existing VM: ${kindOf(rB)} ${rB.explanation}`,
  );
  t.ok(rB.benefit!.costDeltaPerMonth < 0, `B saves ${rB.benefit?.costDeltaPerMonth} ${rB.benefit?.currency}/month`);
  const rC = rec.get(C)!;
  t.equal(kindOf(rC), 'move', `C: ${rC.explanation}`);
  t.equal(rC.target!.hostId, secureHost, 'C moves to the secure-os host');
  t.ok(rC.target!.features.includes('secure-os'));
  for (const r of [rA, rB, rC]) {
    t.ok(r.applicable, `${r.vmName} applicable (${r.notApplicableReason})`);
    t.equal(stateOf(r), 'open');
  }
  const listed = (await json<Rec[]>('reclass', 'ls', '--tenant', 'default')).map((r) => r.id).sort();
  t.same(listed, [rA.id, rB.id, rC.id].sort(), 'reclass ls: the three open ones');
  const table = await ok('reclass', 'ls', '--tenant', 'default');
  t.match(table.stdout, /vm-a/, 'the table names the VMs');
  t.equal(table.stderr, '', 'nothing on stderr');
  const noticed = (await ok('--json', 'events', 'tail', '-n', '100', '--type', 'reclass.recommended')).stdout
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { attributes: Record<string, string> }).attributes.vm_id);
  t.same(noticed.sort(), [A, B, C].sort(), 'a reclass.recommended event each');
  const posted = () => hook.bodies.map((b) => (b as { vmId?: string }).vmId);
  await waitFor(() => [A, B, C].every((id) => posted().includes(id)), { message: 'the webhook got each one' });
  t.pass(`the webhook got ${hook.bodies.length} recommendation(s) as JSON`);

  // ---- E on its real usage alone (1 hour minimum): idle, so downward or onto another VM.
  const real = ['--window', '24h', '--min-data', '1h'];
  const eReal = (await json<Analysis[]>('reclass', 'analyze', '--vm', E, ...real))[0]!;
  t.ok(eReal.usage!.sufficient && eReal.usage!.dataHours >= 1, `E: ${eReal.usage?.dataHours} hour(s) of real data`);
  t.ok(eReal.usage!.cpuVcpus!.p95 < 0.05, `E p95 cpu ${eReal.usage?.cpuVcpus?.p95} vCPU`);
  t.ok(eReal.usage!.idle && findings(eReal).includes('idle'), `E idle: ${findings(eReal)}`);
  const rE = (await json<Recommended>('reclass', 'recommend', '--vm', E, ...real)).recommendations[0]!;
  t.ok(
    kindOf(rE) === 'reassign' || rE.target!.vcpus < 2,
    `E (real usage) goes down or onto an existing VM: ${kindOf(rE)} ${rE.explanation}`,
  );

  // ---- D: over its tenant's quota; applying writes nothing; destroyed, its recommendation is stale.
  const rD = (await json<Recommended>('reclass', 'recommend', '--vm', D, ...window)).recommendations[0]!;
  t.ok(rD.target!.vcpus > 1, `D goes up to ${rD.target?.vcpus} vCPUs`);
  t.equal(rD.applicable, false, 'over the quota: not applicable');
  t.match(rD.notApplicableReason, /quota/i);
  const record = async () => {
    const v = await vms.get(D);
    return { version: v.version, generation: v.generation, spec: v.spec, desired: v.desired, hostId: v.hostId };
  };
  const tight = async () => (await ok('--json', 'tenant', 'show', 'tight')).stdout;
  const before = { vm: await record(), tenant: await tight(), n: (await vms.list()).length };
  await refused(['reclass', 'apply', rD.id], /FAILED_PRECONDITION|RESOURCE_EXHAUSTED/, /quota/i);
  t.same(await record(), before.vm, "D's record is untouched");
  t.equal(await tight(), before.tenant, "the tenant's usage is untouched");
  t.equal((await vms.list()).length, before.n, 'no VM was created');
  t.equal(stateOf(await json<Rec>('reclass', 'show', rD.id)), 'open', 'it stays open');
  await ok('vm', 'destroy', D);
  await refused(['reclass', 'apply', rD.id], 'FAILED_PRECONDITION', /\bid\b/);
  t.equal(stateOf(await json<Rec>('reclass', 'show', rD.id)), 'stale');

  // ---- apply A, B, C: each appliance serves, each old VM is retired.
  // E last: a reassign moves its workload onto a VM that may itself have been resized meanwhile.
  const title = { [A]: 'appliance-a', [B]: 'appliance-b', [C]: 'appliance-c', [E]: 'appliance-e' };
  const generation = new Map((await vms.list()).map((v) => [v.id, v.generation]));
  for (const r of [rA, rB, rC, rE]) {
    const applied = await json<Applied>('reclass', 'apply', r.id, '--wait', '--timeout', '2m');
    const done = applied.recommendation!;
    t.equal(stateOf(done), 'applied', `${r.vmName} applied: ${done.stateReason}`);
    t.ok(applied.steps.length > 0, `${r.vmName}: ${applied.steps.map((s) => `${s.name} ${s.state}`).join(', ')}`);
    // The VM that serves now: the same one (resize, move), the new one (new_vm) or the target (reassign).
    const serves = { resize: r.vmId, move: r.vmId, new_vm: done.newVmId, reassign: r.target!.vmId }[kindOf(r)]!;
    if (kindOf(r) === 'reassign') t.equal(done.newVmId, serves, `${r.vmName}: new_vm_id names the target`);
    const vm = await vms.waitState(serves, 'VM_STATE_RUNNING');
    const page = await waitFor(
      async () => {
        const cur = await vms.get(serves);
        const body = cur.hostPort ? (await httpGet(cur.hostPort).catch(() => ({ body: '' }))).body : '';
        return body.includes(title[r.vmId]!) ? body : undefined;
      },
      { timeoutMs: 30_000, message: `${r.vmName}'s appliance serves` },
    );
    t.ok(page, `${r.vmName}'s appliance serves on ${vm.hostName}`);
    if (kindOf(r) === 'resize') {
      t.equal(vm.spec!.vcpus, r.target!.vcpus, `${r.vmName} resized in place`);
      t.equal(vm.generation, generation.get(r.vmId), `${r.vmName} not re-placed`);
      // A process VM is resized live: its cgroup's CPU limit is the new size (where the host has cgroups).
      if (cgroupVcpus(r.vmId) !== undefined)
        await waitFor(() => cgroupVcpus(r.vmId) === r.target!.vcpus, { message: `${r.vmName}'s cgroup CPU limit` });
    }
    if (kindOf(r) === 'move') t.equal(vm.hostId, secureHost, `${r.vmName} runs on the secure-os host`);
    if (serves !== r.vmId) {
      const old = await vms.get(r.vmId).catch(() => undefined);
      t.ok(!old || old.desired === 'DESIRED_VM_STATE_DESTROYED', `${r.vmName} retired`);
      await waitFor(() => processesWith(r.vmId).length === 0, { message: `${r.vmName}'s processes gone` });
    }
  }
  await waitFor(() => processesWith(join(plainDir, 'vms', C)).length === 0, { message: 'C left the plain host' });
  t.ok(existsSync(vmManifestPath(secureDir, C)), "C's manifest came along to the secure-os host");
  const steps = (await ok('--json', 'events', 'tail', '-n', '1000', '--type', 'reclass.apply.')).stdout.trim();
  t.ok(steps.split('\n').length >= 3, 'events at the apply steps');
});
