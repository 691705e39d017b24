import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { EnrollResponse__Output } from '../../common/gen/nephele/v1/EnrollResponse.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { createCsr } from '../../common/tls/pki.js';
import { removeDir, stopChild, tempDir, track } from './children.js';
import { controllerFlags, createJoinToken, DIST, profileArgs, startController, Tail, type RunningController } from './controller.js';
import { pool } from './pool.js';
import { MachineWindow, MB, ProcWindow, type Usage } from './proc.js';
import type { Identity, LoadgenCommand, LoadgenMessage, RunConfig, RunResult } from './protocol.js';
import { fig, type Figures } from './results.js';

// Heartbeat ingestion: N enrolled agents hold a Session each and beat at 1 Hz.
// The same load runs against the real controller and against a bare grpc-js
// server (bare-server.ts), so the controller's cost is read against the floor
// that grpc-js + TLS + protobuf set on this machine.

const env = (name: string, dflt: number) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
};

const ENROLL_CONCURRENCY = 200;
const ENROLL_CHUNK = 250;
const log = (msg: string) => process.stdout.write(`[heartbeat] ${msg}\n`);
const secondsSince = (t0: number) => (performance.now() - t0) / 1000;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The load generator child: holds the agents' identities across runs. */
class Loadgen {
  readonly proc: ChildProcess;
  private readonly stderr = new Tail();

  constructor(caFile: string) {
    this.proc = track(fork(join(DIST, 'scripts/bench/loadgen.js'), [caFile], {
      execArgv: ['--max-old-space-size=8192'],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    }));
    createInterface({ input: this.proc.stderr! }).on('line', (l) => this.stderr.push(l));
  }

  private command(c: LoadgenCommand): void {
    this.proc.send(c);
  }

  addIdentities(ids: Identity[]): void {
    this.command({ type: 'identities', ids });
  }

  /** One run against the server `serverPid`, sampling that process's /proc during both windows. */
  run(cfg: RunConfig, serverPid: number): Promise<LoadRun> {
    const budgetS = cfg.connectTimeoutS + cfg.warmupS + cfg.windowS + cfg.maxWarmupS + cfg.maxWindowS + 60;
    return new Promise<LoadRun>((resolve, reject) => {
      const windows: Partial<Record<'steady' | 'max', ProcWindow>> = {};
      const machine: Partial<Record<'steady' | 'max', MachineWindow>> = {};
      const usage: Partial<Record<'steady' | 'max', ServerUsage>> = {};
      let result: RunResult | undefined;
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.proc.off('message', onMessage);
        this.proc.off('exit', onExit);
        for (const w of Object.values(windows)) {
          try {
            w.stop(); // stops its timer; the figures are of no use any more
          } catch {
            /* the server is gone */
          }
        }
        if (err) reject(err);
        else if (!result || !usage.steady || !usage.max) reject(new Error(`${cfg.label}: incomplete run`));
        else resolve({ ...result, steadyServer: usage.steady, maxServer: usage.max });
      };
      const onMessage = (m: LoadgenMessage) => {
        try {
          if (m.type === 'connected') {
            const c = m.stats;
            const notes = [c.failed && `${c.failed} failed (first: ${c.firstError})`, c.skipped && `${c.skipped} not open when the ${cfg.connectTimeoutS} s connect budget ran out`].filter(Boolean);
            log(`${cfg.label}: ${c.opened} sessions open in ${c.seconds.toFixed(1)} s${notes.length ? ` (${notes.join('; ')})` : ''}; warming up ${cfg.warmupS} s`);
          } else if (m.type === 'window' && m.edge === 'start') {
            windows[m.phase] = new ProcWindow(serverPid, 1000);
            machine[m.phase] = new MachineWindow([serverPid, this.proc.pid!, process.pid]);
          } else if (m.type === 'window' && m.edge === 'end') {
            usage[m.phase] = { ...windows[m.phase]!.stop(), ...machine[m.phase]!.stop() };
            delete windows[m.phase];
            if (m.phase === 'steady') log(`${cfg.label}: steady window done; max phase (${cfg.maxWarmupS} + ${cfg.maxWindowS} s)`);
          } else if (m.type === 'result') {
            result = m.result;
          } else if (m.type === 'closed') {
            done();
          }
        } catch (e) {
          done(e as Error);
        }
      };
      const onExit = (code: number | null, sig: string | null) => done(new Error(`${cfg.label}: load generator exited (${sig ?? code})\n${this.stderr}`));
      const timer = setTimeout(() => done(new Error(`${cfg.label}: no result after ${budgetS} s`)), budgetS * 1000);
      this.proc.on('message', onMessage);
      this.proc.once('exit', onExit);
      this.command({ type: 'run', run: cfg });
    });
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
}

/**
 * Real enrolment, as agents do it: a join token per agent (CreateToken), then
 * Enroll with a fresh ECDSA P-256 CSR, in chunks until `n` agents are enrolled
 * or `budgetS` has passed. Identities go to the load generator as they come,
 * so that it builds their TLS contexts meanwhile. The rate counts Enroll calls
 * only (not token creation).
 */
async function enrollMany(ctl: RunningController, n: number, budgetS: number, lg: Loadgen): Promise<{ enrolled: number; enrollPerS: number }> {
  const t0 = performance.now();
  const admin = ctl.admin();
  const client = new (v1().AgentService)(ctl.address, grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem'))));
  // CSRs are the agents' own CPU work: make the next chunk's in the background.
  const makeCsrs = (k: number) => pool(range(k), 4, () => createCsr('nephele-agent'));
  let enrolled = 0;
  let enrollS = 0;
  let tokenS = 0;
  let next = makeCsrs(Math.min(ENROLL_CHUNK, n));
  try {
    while (enrolled < n && secondsSince(t0) < budgetS) {
      const size = Math.min(ENROLL_CHUNK, n - enrolled);
      let t = performance.now();
      const tokens = await pool(range(size), ENROLL_CONCURRENCY, () => createJoinToken(admin, 'bench'));
      tokenS += secondsSince(t);
      const csrs = await next;
      const after = Math.min(ENROLL_CHUNK, n - enrolled - size);
      next = makeCsrs(after);
      t = performance.now();
      const ids = await pool(range(size), ENROLL_CONCURRENCY, async (i): Promise<Identity> => {
        const req = { joinToken: tokens[i]!, csrPem: csrs[i]!.csrPem, hostname: `bench-${enrolled + i}`, kind: 'HOST_KIND_DEDICATED' as const, agentVersion: 'bench' };
        const res = await unary<EnrollResponse__Output>((cb) => client.Enroll(req, new grpc.Metadata(), { deadline: Date.now() + 120_000 }, cb));
        return { hostId: res.hostId, keyPem: csrs[i]!.keyPem, certPem: res.certificatePem };
      });
      enrollS += secondsSince(t);
      enrolled += size;
      lg.addIdentities(ids);
    }
    await next;
  } finally {
    admin.close();
    client.close();
  }
  const cut = enrolled < n ? ` — stopped at the ${budgetS} s enrolment budget` : '';
  log(`${enrolled} agents enrolled in ${secondsSince(t0).toFixed(1)} s: tokens ${Math.round(enrolled / tokenS)}/s, Enroll ${Math.round(enrolled / enrollS)}/s${cut}`);
  return { enrolled, enrollPerS: enrolled / enrollS };
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
      `loadgen ${s.loadgenCpuPct.toFixed(0)}% CPU, event-loop delay p99 ${ms(s.loadgenLoopP99Ms)}`,
  );
  log(
    `${label}: max ${Math.round(m.ratePerS)} acks/s, ack p50 ${ms(m.p50Ms)} p99 ${ms(m.p99Ms)}; ` +
      `server ${r.maxServer.cpuPct.toFixed(0)}% CPU (${(r.maxServer.cpuUs / Math.max(1, m.acked)).toFixed(1)} µs/beat); loadgen ${m.loadgenCpuPct.toFixed(0)}% CPU` +
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
  const enrollBudgetS = env('BENCH_ENROLL_SECONDS', 80);
  const run = (label: string, target: string, sessions: number): RunConfig => ({
    label,
    target,
    sessions,
    connectConcurrency: 100,
    connectTimeoutS: env('BENCH_CONNECT_SECONDS', 75),
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

  let lg: Loadgen | undefined;
  let bare: ChildProcess | undefined;
  try {
    log(`starting controller; target ${n} agents`);
    const ctl = await startController(ctlDir, args);
    let ctlRun: LoadRun;
    let enrollPerS: number;
    try {
      lg = new Loadgen(join(ctlDir, 'ca.pem'));
      const e = await enrollMany(ctl, n, enrollBudgetS, lg);
      enrollPerS = e.enrollPerS;
      ctlRun = await lg.run(run('controller', ctl.address, e.enrolled), ctl.pid);
      if (ctl.proc.exitCode !== null) throw new Error(`controller died during the run\n${ctl.output}`);
    } finally {
      await ctl.stop();
    }
    describe('controller', ctlRun);

    log('starting bare grpc-js server');
    const b = await startBare(ctlDir);
    bare = b.proc;
    // As many sessions as the controller had: the same load, minus the controller.
    const bareRun = await lg.run(run('bare', b.address, ctlRun.connect.opened), bare.pid!);
    describe('bare', bareRun);

    const cpu = ctlRun.steadyServer.cpuUs / ctlRun.steady.acked;
    const bareCpu = bareRun.steadyServer.cpuUs / bareRun.steady.acked;
    const rss = ctlRun.steadyServer.rssPeakBytes / MB;
    const bareRss = bareRun.steadyServer.rssPeakBytes / MB;
    return {
      'heartbeat.sessions': fig(ctlRun.steady.openSessions, 'sessions', 0),
      'heartbeat.enroll_per_s': fig(enrollPerS, 'enrolments/s', 1),
      'heartbeat.rate_per_s': fig(ctlRun.steady.ratePerS, 'beats/s', 1),
      'heartbeat.ack_p50_ms': fig(ctlRun.steady.p50Ms, 'ms'),
      'heartbeat.ack_p99_ms': fig(ctlRun.steady.p99Ms, 'ms'),
      'heartbeat.max_rate_per_s': fig(ctlRun.max.ratePerS, 'beats/s', 1),
      'heartbeat.cpu_us_per_beat': fig(cpu, 'µs/beat'),
      'heartbeat.bare_cpu_us_per_beat': fig(bareCpu, 'µs/beat'),
      'heartbeat.cpu_ratio': fig(cpu / bareCpu, 'x', 3),
      'heartbeat.rss_mb': fig(rss, 'MB', 1),
      'heartbeat.bare_rss_mb': fig(bareRss, 'MB', 1),
      'heartbeat.rss_ratio': fig(rss / bareRss, 'x', 3),
    };
  } finally {
    await lg?.stop();
    if (bare) await stopChild(bare);
    removeDir(dir);
  }
}
