import '../../common/quiet.js';
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SimAgent, type Connected, type Identity } from '../../test/helpers/sim-agent.js';
import { pool } from './pool.js';
import type { ConnectStats, LoadgenCommand, LoadgenMessage, Phase, PhaseStats, RunConfig, RunResult } from './protocol.js';

// Load generator: plays a fleet of agents (SimAgent, test/helpers/sim-agent.ts).
// Each agent has its own key and certificate and its own channel, hence its
// own TCP + TLS connection, as a real fleet would. A run against one server:
//   connect  open every Session (a bounded number at a time); an agent beats
//            at 1 Hz, at a random phase, from its Welcome on;
//   steady   warm-up, then a measured window at 1 Hz;
//   max      every agent sends its next beat as soon as its last one is acked:
//            warm-up, then a measured window. Then every session is closed.
// Child of the benchmark, one of several that share the fleet: identities and
// runs arrive over IPC, results go back; after its connect phase a generator
// waits for 'go', which the benchmark sends once every generator's sessions
// are open, so that all measure the same windows.
// Usage: loadgen.js <CA file>

const RING = 16; // beats remembered per session for matching acks
const SLOT_MS = 10; // 1 Hz scheduling granularity
const SLOTS = 1000 / SLOT_MS;

type Mode = 'steady' | 'max' | 'stopped';

const send = (m: LoadgenMessage) => new Promise<void>((r) => process.send!(m, undefined, {}, () => r()));
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/** Counts and latencies of one measured window. */
class Recorder {
  sent = 0;
  acked = 0;
  readonly latencies: number[] = [];
  private readonly t0 = performance.now();
  private readonly cpu0 = process.cpuUsage();
  private readonly loop = monitorEventLoopDelay({ resolution: 10 });
  constructor() {
    this.loop.enable();
  }
  finish(open: number): PhaseStats {
    this.loop.disable();
    const seconds = (performance.now() - this.t0) / 1000;
    const cpu = process.cpuUsage(this.cpu0);
    const l = Float64Array.from(this.latencies).sort();
    const q = (p: number) => (l.length ? l[Math.min(l.length - 1, Math.floor(p * l.length))]! : NaN);
    return {
      seconds,
      sent: this.sent,
      acked: this.acked,
      ratePerS: this.acked / seconds,
      p50Ms: q(0.5),
      p90Ms: q(0.9),
      p99Ms: q(0.99),
      maxMs: l.length ? l[l.length - 1]! : NaN,
      loadgenCpuPct: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
      loadgenLoopP99Ms: this.loop.percentile(99) / 1e6,
      openSessions: open,
      latencies: this.latencies,
    };
  }
}

/** State of the current run, shared by all agents. */
class Run {
  mode: Mode = 'steady';
  rec?: Recorder;
  errors = 0;
  firstError?: string;
  /** 1 Hz wheel: each agent sits in one 10 ms slot and beats once per turn. */
  readonly slots: Agent[][] = Array.from({ length: SLOTS }, () => []);
  private cursor = Math.floor(performance.now() / SLOT_MS);
  private readonly timer = setInterval(() => this.tick(), SLOT_MS);

  noteError(msg: string): void {
    this.errors++;
    this.firstError ??= msg;
  }

  schedule(a: Agent): void {
    this.slots[Math.floor(Math.random() * SLOTS)]!.push(a);
  }

  private tick(): void {
    const now = Math.floor(performance.now() / SLOT_MS);
    // Catch up on slots a busy event loop skipped, but never more than one turn.
    if (this.mode === 'steady') for (let s = Math.max(this.cursor + 1, now - SLOTS + 1); s <= now; s++) for (const a of this.slots[s % SLOTS]!) a.send();
    this.cursor = now;
  }

  stopWheel(): void {
    clearInterval(this.timer);
  }
}

class Agent {
  private readonly sim: SimAgent;
  private readonly sentBeat = new Float64Array(RING);
  private readonly sentAt = new Float64Array(RING);
  private run?: Run;

  constructor(id: Identity, ca: Buffer) {
    this.sim = new SimAgent(
      id,
      ca,
      {
        hello: { agentVersion: 'bench-loadgen', schemes: [] },
        heartbeat: { load: { load1: 0.42, cpuPct: 7.5, memoryAvailableBytes: 12 * 2 ** 30 }, free: { vcpus: 6, memoryBytes: 10 * 2 ** 30, diskBytes: 400 * 2 ** 30 } },
        // The run's 1 Hz wheel (or, at max, the acks) says when to beat.
        beats: 'external',
        // A local subchannel pool: this channel gets its own connection, shared with no other agent.
        channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
      },
      {
        welcome: () => this.run!.schedule(this),
        ack: (a) => this.onAck(a.beat),
        lost: (why) => {
          if (this.run!.mode !== 'stopped') this.run!.noteError(why);
        },
      },
    );
  }

  get open(): boolean {
    return this.sim.open;
  }

  /** Opens the session: 'open' once the server's Welcome arrives, 'late' if none came within `timeoutMs`. */
  connect(run: Run, target: string, timeoutMs: number): Promise<Connected> {
    this.run = run;
    this.sentBeat.fill(0);
    return this.sim.connect(target, timeoutMs);
  }

  close(): void {
    this.sim.close();
  }

  send(): void {
    if (!this.sim.open) return;
    const at = performance.now();
    const beat = this.sim.beat();
    const slot = beat % RING;
    this.sentBeat[slot] = beat;
    this.sentAt[slot] = at;
    if (this.run!.rec) this.run!.rec.sent++;
  }

  private onAck(beat: number): void {
    if (!beat) return; // an event ack, not ours
    const slot = beat % RING;
    if (this.sentBeat[slot] !== beat) return; // too old to match
    const rec = this.run!.rec;
    if (rec) {
      rec.acked++;
      rec.latencies.push(performance.now() - this.sentAt[slot]!);
    }
    if (this.run!.mode === 'max' && beat === this.sim.beats) this.send();
  }
}

async function window(run: Run, phase: Phase, seconds: number, agents: Agent[]): Promise<PhaseStats> {
  run.rec = new Recorder();
  void send({ type: 'window', phase, edge: 'start' });
  await sleep(seconds);
  void send({ type: 'window', phase, edge: 'end' });
  const stats = run.rec.finish(agents.filter((a) => a.open).length);
  run.rec = undefined;
  return stats;
}

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

async function runOnce(agents: Agent[], cfg: RunConfig, go: Promise<void>): Promise<RunResult> {
  const run = new Run();
  const fds0 = openFds();
  try {
    const t0 = performance.now();
    const deadline = Date.now() + cfg.connectTimeoutS * 1000;
    const used = agents.slice(0, cfg.sessions);
    const outcome = await pool(used, cfg.connectConcurrency, async (a) => {
      const left = deadline - Date.now();
      return left < 1000 ? 'late' : a.connect(run, cfg.target, left);
    });
    const connect: ConnectStats = {
      opened: outcome.filter((x) => x === 'open').length,
      failed: outcome.filter((x) => x === 'failed').length,
      skipped: outcome.filter((x) => x === 'late').length,
      seconds: (performance.now() - t0) / 1000,
      firstError: run.firstError,
    };
    void send({ type: 'connected', stats: connect });
    await go;
    const live = used.filter((a) => a.open);

    await sleep(cfg.warmupS);
    const steady = await window(run, 'steady', cfg.windowS, live);

    run.mode = 'max';
    for (const a of live) a.send();
    await sleep(cfg.maxWarmupS);
    const max = await window(run, 'max', cfg.maxWindowS, live);
    return { connect, steady, max, errors: run.errors, firstError: run.firstError };
  } finally {
    run.mode = 'stopped';
    run.stopWheel();
    for (const a of agents) a.close(); // (closing an unused agent is a no-op)
    // Wait until the connections are really gone: the next run needs the descriptors.
    for (let i = 0; i < 100 && openFds() > fds0 + 50; i++) await sleep(0.2);
  }
}

async function main(): Promise<void> {
  const ca = readFileSync(process.argv[2]!);
  const agents: Agent[] = [];
  let busy = Promise.resolve();
  let go = () => {};
  process.on('message', (cmd: LoadgenCommand) => {
    if (cmd.type === 'identities') {
      for (const id of cmd.ids) agents.push(new Agent(id, ca));
    } else if (cmd.type === 'go') {
      go();
    } else if (cmd.type === 'run') {
      const started = new Promise<void>((r) => (go = r));
      busy = busy.then(async () => {
        const result = await runOnce(agents, cmd.run, started);
        await send({ type: 'result', result });
        await send({ type: 'closed' });
      });
      busy.catch((e) => {
        process.stderr.write(`loadgen: ${(e as Error).stack ?? String(e)}\n`);
        process.exit(1);
      });
    } else if (cmd.type === 'exit') {
      process.exit(0);
    }
  });
  // The benchmark went away, or stops us: exit cleanly (a CPU profile, if asked for, is written then).
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((e) => {
  process.stderr.write(`loadgen: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
