import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { EnrollResponse__Output } from '../../common/gen/nephele/v1/EnrollResponse.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { createCsr } from '../../common/tls/pki.js';
import { removeDir, stopChild, tempDir, track } from './children.js';
import { controllerFlags, createJoinToken, DIST, profileArgs, ROOT, startController, Tail, type RunningController } from './controller.js';
import { pool } from './pool.js';
import { MachineWindow, MB, ProcWindow, type Usage } from './proc.js';
import type { ConnectStats, Identity, LoadgenCommand, LoadgenMessage, Phase, PhaseStats, RunConfig, RunResult } from './protocol.js';
import { fig, type Figures } from './results.js';

// Heartbeat ingestion: N enrolled agents hold a Session each and beat at 1 Hz.
// The same load runs against the real controller and against a bare grpc-js
// server (bare-server.ts), so the controller's cost is read against the floor
// that grpc-js + TLS + protobuf set on this machine. The load comes from two
// generator processes (one saturates a core long before 10,000 sessions), and
// their own event-loop delay is reported: beyond a few ms, latencies measure
// the generators, not the servers.

const env = (name: string, dflt: number) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
};

const GENERATORS = 2;
const ENROLL_CONCURRENCY = 200;
const ENROLL_CHUNK = 1000;
/** Enrolled fleets are kept this long (agent certificates live 30 days, renewal starts at 20). */
const CACHE_MAX_AGE_MS = 7 * 86_400_000;
const CACHE = join(ROOT, 'bench', '.cache', 'heartbeat');
const log = (msg: string) => process.stdout.write(`[heartbeat] ${msg}\n`);
const secondsSince = (t0: number) => (performance.now() - t0) / 1000;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** One load generator child: holds its share of the agents' identities across runs. */
class Loadgen {
  readonly proc: ChildProcess;
  readonly stderr = new Tail();

  constructor(caFile: string) {
    this.proc = track(fork(join(DIST, 'scripts/bench/loadgen.js'), [caFile], {
      execArgv: ['--max-old-space-size=8192', ...profileArgs()],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    }));
    createInterface({ input: this.proc.stderr! }).on('line', (l) => this.stderr.push(l));
  }

  command(c: LoadgenCommand): void {
    this.proc.send(c);
  }

  stop(): Promise<void> {
    if (this.proc.connected) this.command({ type: 'exit' });
    return stopChild(this.proc, 5000);
  }
}

/** The server's use of CPU and memory in a window, and how busy the machine was. */
type ServerUsage = Usage & ReturnType<MachineWindow['stop']>;

interface LoadRun extends RunResult {
  steadyServer: ServerUsage;
  maxServer: ServerUsage;
  generators: number;
}

/** Sorted latencies → quantile. */
const quantile = (l: Float64Array, p: number) => (l.length ? l[Math.min(l.length - 1, Math.floor(p * l.length))]! : NaN);

/** One phase measured by every generator over the same window, as one. */
function mergePhase(parts: PhaseStats[]): PhaseStats {
  const l = Float64Array.from(parts.flatMap((p) => p.latencies)).sort();
  const sum = (f: (p: PhaseStats) => number) => parts.reduce((s, p) => s + f(p), 0);
  return {
    seconds: Math.max(...parts.map((p) => p.seconds)),
    sent: sum((p) => p.sent),
    acked: sum((p) => p.acked),
    ratePerS: sum((p) => p.ratePerS),
    p50Ms: quantile(l, 0.5),
    p90Ms: quantile(l, 0.9),
    p99Ms: quantile(l, 0.99),
    maxMs: l.length ? l[l.length - 1]! : NaN,
    loadgenCpuPct: sum((p) => p.loadgenCpuPct),
    // The worst generator: its delay bounds how late any of its acks may have been seen.
    loadgenLoopP99Ms: Math.max(...parts.map((p) => p.loadgenLoopP99Ms)),
    openSessions: sum((p) => p.openSessions),
    latencies: [],
  };
}

function mergeConnect(parts: ConnectStats[]): ConnectStats {
  return {
    opened: parts.reduce((s, c) => s + c.opened, 0),
    failed: parts.reduce((s, c) => s + c.failed, 0),
    skipped: parts.reduce((s, c) => s + c.skipped, 0),
    seconds: Math.max(...parts.map((c) => c.seconds)),
    firstError: parts.find((c) => c.firstError)?.firstError,
  };
}

/** The generators together: identities shared out, runs started and measured as one. */
class Generators {
  private readonly gens: Loadgen[];
  private next = 0;

  constructor(caFile: string, n = GENERATORS) {
    this.gens = range(n).map(() => new Loadgen(caFile));
  }

  addIdentities(ids: Identity[]): void {
    const shares = this.gens.map(() => [] as Identity[]);
    for (const id of ids) shares[this.next++ % this.gens.length]!.push(id);
    this.gens.forEach((g, i) => shares[i]!.length && g.command({ type: 'identities', ids: shares[i]! }));
  }

  /** One run against the server `serverPid` with `cfg.sessions` in all, sampling that process's /proc during both windows. */
  run(cfg: RunConfig, serverPid: number): Promise<LoadRun> {
    const budgetS = cfg.connectTimeoutS + cfg.warmupS + cfg.windowS + cfg.maxWarmupS + cfg.maxWindowS + 60;
    const k = this.gens.length;
    return new Promise<LoadRun>((resolve, reject) => {
      const connected: ConnectStats[] = [];
      const results: RunResult[] = [];
      const edges: Record<Phase, { started: number; ended: number }> = { steady: { started: 0, ended: 0 }, max: { started: 0, ended: 0 } };
      const windows: Partial<Record<Phase, ProcWindow>> = {};
      const machine: Partial<Record<Phase, MachineWindow>> = {};
      const usage: Partial<Record<Phase, ServerUsage>> = {};
      let closed = 0;
      const cleanups: (() => void)[] = [];
      const done = (err?: Error) => {
        clearTimeout(timer);
        for (const c of cleanups) c();
        for (const w of Object.values(windows)) {
          try {
            w.stop(); // stops its timer; the figures are of no use any more
          } catch {
            /* the server is gone */
          }
        }
        if (err) return reject(err);
        if (results.length < k || !usage.steady || !usage.max) return reject(new Error(`${cfg.label}: incomplete run`));
        const errors = results.reduce((s, r) => s + r.errors, 0);
        resolve({
          connect: mergeConnect(results.map((r) => r.connect)),
          steady: mergePhase(results.map((r) => r.steady)),
          max: mergePhase(results.map((r) => r.max)),
          errors,
          firstError: results.find((r) => r.firstError)?.firstError,
          steadyServer: usage.steady,
          maxServer: usage.max,
          generators: k,
        });
      };
      const onMessage = (m: LoadgenMessage) => {
        try {
          if (m.type === 'connected') {
            connected.push(m.stats);
            if (connected.length < k) return;
            const c = mergeConnect(connected);
            const notes = [c.failed && `${c.failed} failed (first: ${c.firstError})`, c.skipped && `${c.skipped} not open when the ${cfg.connectTimeoutS} s connect budget ran out`].filter(Boolean);
            log(`${cfg.label}: ${c.opened} sessions open in ${c.seconds.toFixed(1)} s${notes.length ? ` (${notes.join('; ')})` : ''}; warming up ${cfg.warmupS} s`);
            for (const g of this.gens) g.command({ type: 'go' });
          } else if (m.type === 'window' && m.edge === 'start') {
            // The server is sampled from the first generator's start to the last one's end.
            if (edges[m.phase].started++ === 0) {
              windows[m.phase] = new ProcWindow(serverPid, 1000);
              machine[m.phase] = new MachineWindow([serverPid, process.pid, ...this.gens.map((g) => g.proc.pid!)]);
            }
          } else if (m.type === 'window' && m.edge === 'end') {
            if (++edges[m.phase].ended < k) return;
            usage[m.phase] = { ...windows[m.phase]!.stop(), ...machine[m.phase]!.stop() };
            delete windows[m.phase];
            if (m.phase === 'steady') log(`${cfg.label}: steady window done; max phase (${cfg.maxWarmupS} + ${cfg.maxWindowS} s)`);
          } else if (m.type === 'result') {
            results.push(m.result);
          } else if (m.type === 'closed') {
            if (++closed === k) done();
          }
        } catch (e) {
          done(e as Error);
        }
      };
      const timer = setTimeout(() => done(new Error(`${cfg.label}: no result after ${budgetS} s`)), budgetS * 1000);
      this.gens.forEach((g, i) => {
        const onExit = (code: number | null, sig: string | null) => done(new Error(`${cfg.label}: load generator ${i} exited (${sig ?? code})\n${g.stderr}`));
        g.proc.on('message', onMessage);
        g.proc.once('exit', onExit);
        cleanups.push(() => {
          g.proc.off('message', onMessage);
          g.proc.off('exit', onExit);
        });
        // Its share of the sessions: the first `sessions` identities, dealt round-robin.
        const share = Math.floor(cfg.sessions / k) + (i < cfg.sessions % k ? 1 : 0);
        g.command({ type: 'run', run: { ...cfg, sessions: share, connectConcurrency: Math.ceil(cfg.connectConcurrency / k) } });
      });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.gens.map((g) => g.stop()));
  }
}

interface CachedFleet {
  /** The controller's data dir after the enrolment (CA, store with the hosts). */
  dataDir: string;
  ids: Identity[];
  /** Every agent has held a session once: the hosts are stored ready, with their Hello. */
  primed: boolean;
  markPrimed(): void;
}

interface CacheMeta {
  sessions: number;
  createdUnixMs: number;
  primed?: boolean;
}

/**
 * Agents enrolled once and kept under bench/.cache/heartbeat: a controller
 * data dir and the agents' keys and certificates, reused by later runs on a
 * fresh copy of that dir. Enrolment has its own benchmark (`enroll`).
 * BENCH_FRESH=1 enrols anew.
 */
async function cachedFleet(n: number): Promise<CachedFleet> {
  const metaFile = join(CACHE, 'meta.json');
  const dataDir = join(CACHE, 'controller');
  const idsFile = join(CACHE, 'identities.json');
  const fleet = (meta: CacheMeta, ids: Identity[]): CachedFleet => ({
    dataDir,
    ids,
    primed: !!meta.primed,
    markPrimed: () => writeFileSync(metaFile, JSON.stringify({ ...meta, primed: true })),
  });
  if (!process.env.BENCH_FRESH && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as CacheMeta;
    if (meta.sessions >= n && Date.now() - meta.createdUnixMs < CACHE_MAX_AGE_MS) {
      const ids = (JSON.parse(readFileSync(idsFile, 'utf8')) as Identity[]).slice(0, n);
      log(`${ids.length} agents from the enrolment cache (${new Date(meta.createdUnixMs).toISOString()}; BENCH_FRESH=1 enrols anew)`);
      return fleet(meta, ids);
    }
  }
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  log(`enrolling ${n} agents into ${CACHE}`);
  const ctl = await startController(dataDir, ['--rate-limit', '1000000']);
  let ids: Identity[];
  try {
    ids = await enrollAll(ctl, n);
  } finally {
    await ctl.stop();
  }
  writeFileSync(idsFile, JSON.stringify(ids));
  // Written last: a cache without it is incomplete and is made again.
  const meta: CacheMeta = { sessions: n, createdUnixMs: Date.now() };
  writeFileSync(metaFile, JSON.stringify(meta));
  return fleet(meta, ids);
}

/** Real enrolment, as agents do it: a join token each (CreateToken), then Enroll with a fresh ECDSA P-256 CSR. */
async function enrollAll(ctl: RunningController, n: number): Promise<Identity[]> {
  const t0 = performance.now();
  const admin = ctl.admin();
  const client = new (v1().AgentService)(ctl.address, grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem'))));
  const out: Identity[] = [];
  try {
    while (out.length < n) {
      const size = Math.min(ENROLL_CHUNK, n - out.length);
      const [tokens, csrs] = await Promise.all([
        pool(range(size), ENROLL_CONCURRENCY, () => createJoinToken(admin, 'bench')),
        pool(range(size), 8, () => createCsr('nephele-agent')),
      ]);
      const base = out.length;
      out.push(...(await pool(range(size), ENROLL_CONCURRENCY, async (i): Promise<Identity> => {
        const req = { joinToken: tokens[i]!, csrPem: csrs[i]!.csrPem, hostname: `bench-${base + i}`, kind: 'HOST_KIND_DEDICATED' as const, agentVersion: 'bench' };
        const res = await unary<EnrollResponse__Output>((cb) => client.Enroll(req, new grpc.Metadata(), { deadline: Date.now() + 120_000 }, cb));
        return { hostId: res.hostId, keyPem: csrs[i]!.keyPem, certPem: res.certificatePem };
      })));
    }
  } finally {
    admin.close();
    client.close();
  }
  log(`${out.length} agents enrolled in ${secondsSince(t0).toFixed(1)} s (tokens, CSRs and Enroll)`);
  return out;
}

/** The bare server, and the address it tells us once it listens. */
async function startBare(pkiDataDir: string): Promise<{ proc: ChildProcess; address: string }> {
  const proc = track(fork(join(DIST, 'scripts/bench/bare-server.js'), [pkiDataDir], { execArgv: profileArgs(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bare server not ready after 15 s')), 15_000);
    proc.once('message', (m: { port: number }) => {
      clearTimeout(timer);
      resolve(`127.0.0.1:${m.port}`);
    });
    proc.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return { proc, address };
}

function describe(label: string, r: LoadRun): void {
  const s = r.steady;
  const m = r.max;
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  log(
    `${label}: steady ${s.openSessions} sessions, ${Math.round(s.ratePerS)} acks/s, ack p50 ${ms(s.p50Ms)} p90 ${ms(s.p90Ms)} p99 ${ms(s.p99Ms)} max ${ms(s.maxMs)}; ` +
      `server ${r.steadyServer.cpuPct.toFixed(0)}% CPU, ${(r.steadyServer.rssPeakBytes / MB).toFixed(0)} MB peak RSS; ` +
      `${r.generators} generators ${s.loadgenCpuPct.toFixed(0)}% CPU, worst event-loop delay p99 ${ms(s.loadgenLoopP99Ms)}`,
  );
  log(
    `${label}: max ${Math.round(m.ratePerS)} acks/s, ack p50 ${ms(m.p50Ms)} p99 ${ms(m.p99Ms)}; ` +
      `server ${r.maxServer.cpuPct.toFixed(0)}% CPU (${(r.maxServer.cpuUs / Math.max(1, m.acked)).toFixed(1)} µs/beat); generators ${m.loadgenCpuPct.toFixed(0)}% CPU` +
      (r.errors ? `; ${r.errors} session errors (first: ${r.firstError})` : ''),
  );
  const others = Math.max(r.steadyServer.otherCores, r.maxServer.otherCores);
  log(
    `${label}: machine busy ${r.steadyServer.busyCores.toFixed(2)} cores (steady), ${r.maxServer.busyCores.toFixed(2)} (max); ` +
      `outside the benchmark ${r.steadyServer.otherCores.toFixed(2)} / ${r.maxServer.otherCores.toFixed(2)} cores` +
      (others > 0.25 ? ' — WARNING: other work on this machine skews these figures' : ''),
  );
}

export async function runHeartbeat(): Promise<Figures> {
  const n = Math.floor(env('BENCH_SESSIONS', 10_000));
  const dir = tempDir('heartbeat');
  const ctlDir = join(dir, 'controller');
  // Time budgets keep the whole benchmark within a few minutes on a small
  // machine; what was reached within them is what gets reported.
  const run = (label: string, target: string, sessions: number): RunConfig => ({
    label,
    target,
    sessions,
    connectConcurrency: 200,
    connectTimeoutS: env('BENCH_CONNECT_SECONDS', 300),
    warmupS: env('BENCH_WARMUP_SECONDS', 8),
    windowS: env('BENCH_WINDOW_SECONDS', 20),
    maxWarmupS: 2,
    maxWindowS: env('BENCH_MAX_SECONDS', 8),
  });
  // 1 Hz for every host (20000 beats/s allowed, 1 s minimum interval). The
  // controller's per-token and per-host rate limits, where it has them, are
  // lifted: the bench measures ingestion, not the limiter's refusals.
  const flags = controllerFlags();
  const args = ['--max-beats-per-sec', '20000', '--min-heartbeat', '1s'];
  if (flags.has('--rate-limit')) args.push('--rate-limit', '1000000');
  if (flags.has('--host-rate-limit')) args.push('--host-rate-limit', '1000000');

  let gens: Generators | undefined;
  let bare: ChildProcess | undefined;
  try {
    const fleet = await cachedFleet(n);
    gens = new Generators(join(fleet.dataDir, 'ca.pem'));
    gens.addIdentities(fleet.ids);
    if (!fleet.primed) {
      // Once per enrolment: every agent connects, so that the measured runs start
      // as after a controller restart, from hosts stored ready (the first
      // session of each host writes its Hello and its PENDING -> READY change).
      log('first run on this enrolment: connecting every agent once');
      const c = await startController(fleet.dataDir, args);
      try {
        await gens.run({ ...run('priming', c.address, fleet.ids.length), warmupS: 1, windowS: 1, maxWarmupS: 1, maxWindowS: 1 }, c.pid);
      } finally {
        await c.stop();
      }
      fleet.markPrimed();
    }
    // Each run on a copy: what the run writes (sessions, liveness, events) stays out of the cache.
    cpSync(fleet.dataDir, ctlDir, { recursive: true });
    log(`starting controller; ${fleet.ids.length} agents`);
    const ctl = await startController(ctlDir, args);
    let ctlRun: LoadRun;
    try {
      ctlRun = await gens.run(run('controller', ctl.address, fleet.ids.length), ctl.pid);
      if (ctl.proc.exitCode !== null) throw new Error(`controller died during the run\n${ctl.output}`);
    } finally {
      await ctl.stop();
    }
    describe('controller', ctlRun);

    log('starting bare grpc-js server');
    const b = await startBare(ctlDir);
    bare = b.proc;
    // As many sessions as the controller had: the same load, minus the controller.
    const bareRun = await gens.run(run('bare', b.address, ctlRun.connect.opened), bare.pid!);
    describe('bare', bareRun);

    const cpu = ctlRun.steadyServer.cpuUs / ctlRun.steady.acked;
    const bareCpu = bareRun.steadyServer.cpuUs / bareRun.steady.acked;
    const rss = ctlRun.steadyServer.rssPeakBytes / MB;
    const bareRss = bareRun.steadyServer.rssPeakBytes / MB;
    return {
      'heartbeat.sessions': fig(ctlRun.steady.openSessions, 'sessions', 0),
      'heartbeat.generators': fig(ctlRun.generators, 'processes', 0),
      'heartbeat.rate_per_s': fig(ctlRun.steady.ratePerS, 'beats/s', 1),
      'heartbeat.ack_p50_ms': fig(ctlRun.steady.p50Ms, 'ms'),
      'heartbeat.ack_p99_ms': fig(ctlRun.steady.p99Ms, 'ms'),
      'heartbeat.bare_ack_p50_ms': fig(bareRun.steady.p50Ms, 'ms'),
      'heartbeat.bare_ack_p99_ms': fig(bareRun.steady.p99Ms, 'ms'),
      'heartbeat.ack_p99_ratio': fig(ctlRun.steady.p99Ms / bareRun.steady.p99Ms, 'x', 3),
      'heartbeat.generator_loop_delay_p99_ms': fig(ctlRun.steady.loadgenLoopP99Ms, 'ms'),
      'heartbeat.bare_generator_loop_delay_p99_ms': fig(bareRun.steady.loadgenLoopP99Ms, 'ms'),
      'heartbeat.max_rate_per_s': fig(ctlRun.max.ratePerS, 'beats/s', 1),
      'heartbeat.cpu_us_per_beat': fig(cpu, 'µs/beat'),
      'heartbeat.bare_cpu_us_per_beat': fig(bareCpu, 'µs/beat'),
      'heartbeat.cpu_ratio': fig(cpu / bareCpu, 'x', 3),
      'heartbeat.rss_mb': fig(rss, 'MB', 1),
      'heartbeat.bare_rss_mb': fig(bareRss, 'MB', 1),
      'heartbeat.rss_ratio': fig(rss / bareRss, 'x', 3),
    };
  } finally {
    await gens?.stop();
    if (bare) await stopChild(bare);
    removeDir(dir);
  }
}
