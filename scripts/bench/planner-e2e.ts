import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { AdminClient } from '../../controller/cli/client.js';
import type { EnrollResponse__Output } from '../../common/gen/nephele/v1/EnrollResponse.js';
import type { CreateVmSetResponse__Output } from '../../common/gen/nephele/v1/CreateVmSetResponse.js';
import type { GetVmSetResponse__Output } from '../../common/gen/nephele/v1/GetVmSetResponse.js';
import type { DeleteVmSetResponse__Output } from '../../common/gen/nephele/v1/DeleteVmSetResponse.js';
import type { ListHostsResponse__Output } from '../../common/gen/nephele/v1/ListHostsResponse.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { VmSetSpec } from '../../common/gen/nephele/v1/VmSetSpec.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { createCsr } from '../../common/tls/pki.js';
import { removeDir, stopChild, tempDir, track } from './children.js';
import { controllerFlags, createJoinToken, DIST, profileArgs, startController, Tail, type RunningController } from './controller.js';
import { pool } from './pool.js';
import { MachineWindow, MB, ProcWindow, type Usage } from './proc.js';
import type { AgentsCommand, AgentsMessage, AgentsStats, BareCommand, BareMessage, Guest } from './planner-protocol.js';
import type { Identity } from './protocol.js';
import { fig, type Figures } from './results.js';

// The planner end to end: N simulated agents (planner-agents.ts) enrol with
// join tokens, hold a Session each over mTLS and report a 64 vCPU / 256 GiB /
// 2 TiB guest inventory; then one CreateVmSet of 10,000 small guaranteed
// process VMs is timed from the call until GetVmSet says every VM is
// confirmed (each host received its DesiredState and reported each of its VMs
// running; the controller stored each report). The same sessions then run
// against a bare grpc-js server that pushes each session 10 VMs and counts the
// status reports: the ceiling the transport sets. Last, DeleteVmSet: the
// agents report the VMs destroyed and the set must end RETIRED with every
// host's capacity free again.

const env = (name: string, dflt: number) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
};

const GiB = 2 ** 30;
const GUEST: Guest = { vcpus: 64, memoryBytes: 256 * GiB, diskBytes: 2048 * GiB };
const ENROLL_CONCURRENCY = 100;
const ENROLL_CHUNK = 250;
const CONFIRM_TIMEOUT_S = 120;
const log = (msg: string) => process.stdout.write(`[planner-e2e] ${msg}\n`);
const secondsSince = (t0: number) => (performance.now() - t0) / 1000;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** CLOCK_MONOTONIC in µs: the clock of V8 CPU profiles' timestamps, so a profile can be cut to the measured window. */
const monoUs = () => Number(process.hrtime.bigint() / 1000n);

/** The simulated agents' process. */
class Agents {
  readonly proc: ChildProcess;
  private readonly stderr = new Tail();

  constructor(caFile: string) {
    this.proc = track(fork(join(DIST, 'scripts/bench/planner-agents.js'), [caFile], {
      execArgv: ['--max-old-space-size=4096'],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    }));
    createInterface({ input: this.proc.stderr! }).on('line', (l) => this.stderr.push(l));
  }

  send(c: AgentsCommand): void {
    this.proc.send(c);
  }

  /** Sends `c` and waits for the answer of type `want`. */
  ask<T extends AgentsMessage['type']>(c: AgentsCommand, want: T, timeoutS: number): Promise<Extract<AgentsMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error, m?: AgentsMessage) => {
        clearTimeout(timer);
        this.proc.off('message', onMessage);
        this.proc.off('exit', onExit);
        if (err) reject(err);
        else resolve(m as Extract<AgentsMessage, { type: T }>);
      };
      const onMessage = (m: AgentsMessage) => m.type === want && done(undefined, m);
      const onExit = (code: number | null, sig: string | null) => done(new Error(`simulated agents exited (${sig ?? code})\n${this.stderr}`));
      const timer = setTimeout(() => done(new Error(`simulated agents: no ${want} after ${timeoutS} s`)), timeoutS * 1000);
      this.proc.on('message', onMessage);
      this.proc.once('exit', onExit);
      this.send(c);
    });
  }

  async stats(): Promise<AgentsStats> {
    return (await this.ask({ type: 'stats' }, 'stats', 30)).stats;
  }

  async connect(target: string, sessions: number, label: string): Promise<number> {
    const c = await this.ask({ type: 'connect', target, sessions, concurrency: 100, timeoutS: 90, guest: GUEST }, 'connected', 120);
    const notes = [c.failed && `${c.failed} failed (first: ${c.firstError})`, c.late && `${c.late} not open in time`].filter(Boolean);
    log(`${label}: ${c.opened} sessions open in ${c.seconds.toFixed(1)} s${notes.length ? ` (${notes.join('; ')})` : ''}`);
    if (c.opened < sessions) throw new Error(`${label}: only ${c.opened} of ${sessions} sessions opened`);
    return c.opened;
  }

  async close(): Promise<void> {
    await this.ask({ type: 'close' }, 'closed', 60);
  }

  stop(): Promise<void> {
    if (this.proc.connected) this.send({ type: 'exit' });
    return stopChild(this.proc, 5000);
  }
}

/** Join token, fresh CSR, Enroll: as real agents enrol. Identities go to the agents' process as they come. */
async function enroll(ctl: RunningController, admin: AdminClient, n: number, agents: Agents): Promise<number> {
  const t0 = performance.now();
  const client = new (v1().AgentService)(ctl.address, grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem'))));
  const makeCsrs = (k: number) => pool(range(k), 4, () => createCsr('nephele-agent'));
  let enrolled = 0;
  let next = makeCsrs(Math.min(ENROLL_CHUNK, n));
  try {
    while (enrolled < n) {
      const size = Math.min(ENROLL_CHUNK, n - enrolled);
      const tokens = await pool(range(size), ENROLL_CONCURRENCY, () => createJoinToken(admin, 'bench-planner'));
      const csrs = await next;
      next = makeCsrs(Math.min(ENROLL_CHUNK, n - enrolled - size));
      const ids = await pool(range(size), ENROLL_CONCURRENCY, async (i): Promise<Identity> => {
        const req = { joinToken: tokens[i]!, csrPem: csrs[i]!.csrPem, hostname: `bench-${enrolled + i}`, kind: 'HOST_KIND_DEDICATED' as const, agentVersion: 'bench-planner' };
        const res = await unary<EnrollResponse__Output>((cb) => client.Enroll(req, new grpc.Metadata(), { deadline: Date.now() + 120_000 }, cb));
        return { hostId: res.hostId, keyPem: csrs[i]!.keyPem, certPem: res.certificatePem };
      });
      enrolled += size;
      agents.send({ type: 'identities', ids });
    }
    await next;
  } finally {
    client.close();
  }
  const s = secondsSince(t0);
  log(`${enrolled} agents enrolled in ${s.toFixed(1)} s (${Math.round(enrolled / s)}/s with token creation)`);
  return enrolled;
}

/** Waits until `n` hosts are READY with the bench inventory stored (the planner can use them). */
async function waitFleet(admin: AdminClient, n: number, timeoutS: number): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    let ready = 0;
    let withInventory = 0;
    let pageToken = '';
    do {
      const res = await admin.call<ListHostsResponse__Output>((md, o, cb) => admin.hosts.ListHosts({ pageSize: 1000, pageToken, state: 'HOST_STATE_READY' }, md, o, cb));
      for (const h of res.hosts) {
        ready++;
        if (h.inventory?.guest?.vcpus === GUEST.vcpus && h.schemes.includes('process')) withInventory++;
      }
      pageToken = res.nextPageToken;
    } while (pageToken);
    if (withInventory >= n) {
      log(`${withInventory} hosts ready with a ${GUEST.vcpus} vCPU guest inventory after ${secondsSince(t0).toFixed(1)} s`);
      return;
    }
    if (secondsSince(t0) > timeoutS) throw new Error(`only ${withInventory} of ${n} hosts ready with inventory (${ready} ready) after ${timeoutS} s`);
    await sleep(250);
  }
}

const getSet = (admin: AdminClient, setId: string) =>
  admin.call<GetVmSetResponse__Output>((md, o, cb) => admin.vms.GetVmSet({ setId }, md, o, cb)).then((r) => r.set!);

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
};

interface Measured {
  createMs: number;
  confirmS: number;
  set: VmSet;
  hosts: number;
  polls: number[];
  ctlUsage: Usage;
  agentsUsage: Usage;
  /** Monotonic µs at the call and when all were confirmed. */
  window: [number, number];
}

/** CreateVmSet, then GetVmSet every `pollMs` (after the previous answer) until every VM is confirmed. */
async function createAndConfirm(admin: AdminClient, ctlPid: number, agentsPid: number, vms: number, pollMs: number): Promise<Measured> {
  const spec: VmSetSpec = {
    name: 'bench-planner',
    tenant: 'default',
    spec: { scheme: 'process', vcpus: 1, memoryMib: 16 },
    count: vms,
    sla: 'SLA_GUARANTEED',
  };
  const usage = new ProcWindow(ctlPid, 500);
  const agentsUsage = new ProcWindow(agentsPid, 1000);
  const machine = new MachineWindow([ctlPid, agentsPid, process.pid]);
  const mono0 = monoUs();
  const t0 = performance.now();
  const res = await admin.call<CreateVmSetResponse__Output>((md, o, cb) => admin.vms.CreateVmSet({ set: spec }, md, o, cb));
  const createMs = performance.now() - t0;
  const setId = res.set!.id;
  log(`CreateVmSet: ${res.plan!.placed} placed on ${res.plan!.hosts.length} hosts, state ${res.set!.state}, in ${createMs.toFixed(0)} ms`);
  if (res.plan!.placed !== vms) throw new Error(`CreateVmSet placed ${res.plan!.placed} of ${vms}: ${res.plan!.reasons.join('; ')}`);
  const polls: number[] = [];
  let set: VmSet = res.set!;
  let lastLog = performance.now();
  while (set.confirmed < vms) {
    if (secondsSince(t0) > CONFIRM_TIMEOUT_S) {
      usage.stop();
      agentsUsage.stop();
      throw new Error(`only ${set.confirmed} of ${vms} VMs confirmed after ${CONFIRM_TIMEOUT_S} s`);
    }
    await sleep(pollMs);
    const p0 = performance.now();
    set = await getSet(admin, setId);
    polls.push(performance.now() - p0);
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`  ${set.confirmed} confirmed after ${secondsSince(t0).toFixed(1)} s`);
    }
  }
  const confirmS = secondsSince(t0);
  const busy = machine.stop();
  if (busy.otherCores > 0.25) log(`WARNING: other work on this machine used ${busy.otherCores.toFixed(2)} cores while the set was confirmed; these figures are skewed`);
  const window: [number, number] = [mono0, monoUs()];
  return { createMs, confirmS, set, hosts: res.plan!.hosts.length, polls, ctlUsage: usage.stop(), agentsUsage: agentsUsage.stop(), window };
}

/** DeleteVmSet; the agents report each VM destroyed; the set must end RETIRED and every host be empty again. */
async function deleteAndCheck(admin: AdminClient, setId: string, hosts: number): Promise<void> {
  const t0 = performance.now();
  await admin.call<DeleteVmSetResponse__Output>((md, o, cb) => admin.vms.DeleteVmSet({ setId }, md, o, cb));
  let set = await getSet(admin, setId);
  while (set.state !== 'VM_SET_STATE_RETIRED') {
    if (secondsSince(t0) > 120) throw new Error(`set not retired 120 s after DeleteVmSet: ${set.state}, ${set.placed} still placed`);
    await sleep(1000); // a GetVmSet of a large set is not free for the controller
    set = await getSet(admin, setId);
  }
  const retiredS = secondsSince(t0);
  // Every host's whole guest capacity is free again only if each VM's hold was released.
  const probe: VmSetSpec = { name: 'bench-probe', tenant: 'default', spec: { scheme: 'process', vcpus: GUEST.vcpus, memoryMib: 16 }, count: hosts, sla: 'SLA_GUARANTEED' };
  const dry = await admin.call<CreateVmSetResponse__Output>((md, o, cb) => admin.vms.CreateVmSet({ set: probe, dryRun: true }, md, o, cb));
  if (dry.plan!.placed !== hosts) throw new Error(`after the delete, a dry run of ${hosts} whole-host VMs placed only ${dry.plan!.placed}: capacity was not given back (${dry.plan!.reasons.join('; ')})`);
  log(`DeleteVmSet: retired in ${retiredS.toFixed(1)} s; a dry run of ${hosts} × ${GUEST.vcpus} vCPU guaranteed VMs fits: capacity returned`);
}

async function startBare(pkiDataDir: string): Promise<{ proc: ChildProcess; address: string }> {
  const proc = track(fork(join(DIST, 'scripts/bench/planner-bare-server.js'), [pkiDataDir], { execArgv: profileArgs(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bare server not ready after 15 s')), 15_000);
    proc.once('message', (m: BareMessage) => {
      clearTimeout(timer);
      if (m.type === 'ready') resolve(`127.0.0.1:${m.port}`);
      else reject(new Error(`bare server said ${m.type} first`));
    });
    proc.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return { proc, address };
}

/** Pushes each bare session `perSession` VMs and waits for every report. */
function barePush(proc: ChildProcess, perSession: number, expect: number): Promise<{ ms: number; pushMs: number }> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: BareMessage) => {
      if (m.type === 'pushed') log(`bare: pushed ${m.vms} VMs to ${m.sessions} sessions`);
      else if (m.type === 'done') finish(undefined, { ms: m.ms, pushMs: m.pushMs });
      else if (m.type === 'timeout') finish(new Error(`bare: only ${m.reports} of ${expect} reports after ${(m.ms / 1000).toFixed(0)} s`));
    };
    const onExit = (code: number | null) => finish(new Error(`bare server exited (${code})`));
    const finish = (err?: Error, r?: { ms: number; pushMs: number }) => {
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      if (err) reject(err);
      else resolve(r!);
    };
    proc.on('message', onMessage);
    proc.once('exit', onExit);
    proc.send({ type: 'push', perSession, expect, timeoutS: 60 } satisfies BareCommand);
  });
}

export async function runPlannerE2e(): Promise<Figures> {
  const n = Math.floor(env('BENCH_PLANNER_SESSIONS', 1000));
  const vms = Math.floor(env('BENCH_PLANNER_VMS', 10_000));
  if (vms > 10_000) throw new Error('BENCH_PLANNER_VMS: a set holds at most 10000 VMs');
  if (vms > n * GUEST.vcpus) throw new Error(`${vms} VMs of 1 vCPU do not fit on ${n} hosts of ${GUEST.vcpus} vCPUs`);
  const pollMs = env('BENCH_PLANNER_POLL_MS', 100);
  const perSession = Math.ceil(vms / n);
  const dir = tempDir('planner');
  const ctlDir = join(dir, 'controller');
  // 1,000 hosts at 100 beats/s: a 10 s interval (never under 5 s while the fleet
  // grows). API and per-host rate limits lifted: the bench measures placement,
  // not the limiter's refusals.
  const flags = controllerFlags();
  const args = ['--max-beats-per-sec', '100', '--min-heartbeat', '5s', '--strategy', 'spread', '--overcommit', '2'];
  if (flags.has('--rate-limit')) args.push('--rate-limit', '1000000');
  if (flags.has('--host-rate-limit')) args.push('--host-rate-limit', '100000');

  let agents: Agents | undefined;
  let bare: ChildProcess | undefined;
  try {
    log(`starting controller; ${n} simulated agents, a set of ${vms} VMs`);
    const ctl = await startController(ctlDir, args);
    let m: Measured;
    try {
      agents = new Agents(join(ctlDir, 'ca.pem'));
      const admin = ctl.admin();
      try {
        await enroll(ctl, admin, n, agents);
        await agents.connect(ctl.address, n, 'controller');
        await waitFleet(admin, n, 60);
        m = await createAndConfirm(admin, ctl.pid, agents.proc.pid!, vms, pollMs);
        const polls = m.polls;
        log(
          `all ${vms} confirmed ${m.confirmS.toFixed(2)} s after the call (${Math.round(vms / m.confirmS)}/s); ` +
            `controller ${m.ctlUsage.cpuPct.toFixed(0)}% CPU (${(m.ctlUsage.cpuUs / vms).toFixed(0)} µs/VM), ${(m.ctlUsage.rssPeakBytes / MB).toFixed(0)} MB peak RSS; ` +
            `simulated agents ${m.agentsUsage.cpuPct.toFixed(0)}% CPU; ` +
            `${polls.length} GetVmSet polls every ${pollMs} ms: p50 ${q(polls, 0.5).toFixed(0)} ms, max ${Math.max(...polls).toFixed(0)} ms, ` +
            `in flight ${((100 * polls.reduce((a, b) => a + b, 0)) / (m.confirmS * 1000)).toFixed(0)}% of the wait`,
        );
        if (process.env.BENCH_CPU_PROF) log(`profile window (CLOCK_MONOTONIC µs): ${m.window[0]} .. ${m.window[1]}`);
        const st = await agents.stats();
        log(`agents: ${st.open} open, ${st.desired} DesiredStates, ${st.reports.running ?? 0} running reports, ${st.seqAcks} seq acks, ${st.beats} beats, intervals ${JSON.stringify(st.intervals)}${st.errors ? `, ${st.errors} errors (first: ${st.firstError})` : ''}`);
        if (m.set.placed !== vms || m.set.running !== vms) throw new Error(`set says ${m.set.placed} placed, ${m.set.running} running, wanted ${vms}`);
        await deleteAndCheck(admin, m.set.id, n);
      } finally {
        admin.close();
      }
      if (ctl.proc.exitCode !== null) throw new Error(`controller died during the run\n${ctl.output}`);
      await agents.close();
    } finally {
      await ctl.stop();
    }

    log('starting bare grpc-js server');
    const b = await startBare(ctlDir);
    bare = b.proc;
    await agents.connect(b.address, n, 'bare');
    const bareUsage = new ProcWindow(bare.pid!, 500);
    const bareAgents = new ProcWindow(agents.proc.pid!, 500);
    const bareMachine = new MachineWindow([bare.pid!, agents.proc.pid!, process.pid]);
    const r = await barePush(bare, perSession, perSession * n);
    const bu = bareUsage.stop();
    const bm = bareMachine.stop();
    if (bm.otherCores > 0.25) log(`WARNING: other work on this machine used ${bm.otherCores.toFixed(2)} cores during the bare run; these figures are skewed`);
    const ba = bareAgents.stop();
    const bareRate = (perSession * n) / (r.ms / 1000);
    log(`bare: ${perSession * n} reports back ${r.ms.toFixed(0)} ms after the push (writing the pushes took ${r.pushMs.toFixed(0)} ms): ${Math.round(bareRate)}/s; server ${bu.cpuPct.toFixed(0)}% CPU, simulated agents ${ba.cpuPct.toFixed(0)}% CPU`);
    await agents.close();

    const rate = vms / m.confirmS;
    log(`controller ${Math.round(rate)} placements/s end to end vs ${Math.round(bareRate)}/s for the bare transport (${(bareRate / rate).toFixed(1)}×)`);
    return {
      'planner.e2e_sessions': fig(n, 'sessions', 0),
      'planner.e2e_placements_per_s': fig(rate, 'placements/s', 1),
      'planner.e2e_create_call_ms': fig(m.createMs, 'ms', 1),
      'planner.e2e_confirm_s': fig(m.confirmS, 's', 3),
      'planner.e2e_baseline_placements_per_s': fig(bareRate, 'placements/s', 1),
    };
  } finally {
    await agents?.stop();
    if (bare) await stopChild(bare);
    removeDir(dir);
  }
}
