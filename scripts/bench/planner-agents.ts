import '../../common/quiet.js';
import { readdirSync, readFileSync } from 'node:fs';
import type { DesiredVm__Output as DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import { SimAgent, type Connected, type Identity } from '../../test/helpers/sim-agent.js';
import { pool } from './pool.js';
import type { AgentsCommand, AgentsMessage, AgentsStats, Guest } from './planner-protocol.js';

// Simulated agents for the planner-e2e benchmark (SimAgent,
// test/helpers/sim-agent.ts): each has its own key, certificate and
// connection, and speaks the agent protocol. It says Hello
// (process scheme, dedicated), sends its inventory when the Welcome asks for
// it, beats at the interval it is told, and answers every DesiredState by
// confirming each VM it has not confirmed yet: one VmStatusReport per VM
// (RUNNING and guest ready at the desired generation, or DESTROYED when the VM
// is to be destroyed), with a sequence number that only goes up. Nothing runs.
// Child of the benchmark: commands come over IPC, answers go back.
// Usage: planner-agents.js <CA file>

const send = (m: AgentsMessage) => new Promise<void>((r) => process.send!(m, undefined, {}, () => r()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const GiB = 2 ** 30;

class Shared {
  stats: AgentsStats = Shared.zero();
  stopped = false;
  static zero(): AgentsStats {
    return { open: 0, desired: 0, reports: {}, seqAcks: 0, beats: 0, beatAcks: 0, intervals: {}, errors: 0 };
  }
  noteError(msg: string): void {
    this.stats.errors++;
    this.stats.firstError ??= msg;
  }
}

class Agent {
  readonly sim: SimAgent;
  private sh = new Shared();
  private guest?: Guest;
  /** vm id → `${generation}/${state}` last reported on this connection. */
  private reported = new Map<string, string>();

  constructor(id: Identity, ca: Buffer) {
    this.sim = new SimAgent(
      id,
      ca,
      {
        hello: { agentVersion: 'bench-planner' },
        heartbeat: { load: { load1: 0.2, cpuPct: 3, memoryAvailableBytes: 200 * GiB }, free: { vcpus: 60, memoryBytes: 240 * GiB, diskBytes: 1900 * GiB } },
        beats: 'self',
        // A local subchannel pool: this channel gets its own connection, shared with no other agent.
        channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
      },
      {
        welcome: (w) => {
          if (w.sendInventory) this.sim.send({ inventory: { inventory: inventoryOf(this.guest!) } });
        },
        ack: (a) => {
          if (a.beat) this.sh.stats.beatAcks++;
          else this.sh.stats.seqAcks++;
        },
        desired: (vms) => {
          this.sh.stats.desired++;
          this.converge(vms);
        },
        lost: (why) => {
          if (!this.sh.stopped) this.sh.noteError(why);
        },
      },
    );
  }

  connect(sh: Shared, target: string, timeoutMs: number, guest: Guest): Promise<Connected> {
    this.sh = sh;
    this.guest = guest;
    this.reported = new Map();
    return this.sim.connect(target, timeoutMs);
  }

  /** Confirms what it has not confirmed yet: one report per VM, seq strictly increasing. */
  private converge(vms: DesiredVm[]): void {
    if (!this.sim.open) return;
    for (const vm of vms) {
      const state = vm.desired === 'DESIRED_VM_STATE_DESTROYED' ? 'VM_STATE_DESTROYED' : 'VM_STATE_RUNNING';
      const key = `${vm.generation}/${state}`;
      if (this.reported.get(vm.vmId) === key) continue;
      this.reported.set(vm.vmId, key);
      const word = state === 'VM_STATE_RUNNING' ? 'running' : 'destroyed';
      this.sh.stats.reports[word] = (this.sh.stats.reports[word] ?? 0) + 1;
      this.sim.report(vm, state);
    }
  }
}

function inventoryOf(g: Guest) {
  const cap = { vcpus: g.vcpus, memoryBytes: g.memoryBytes, diskBytes: g.diskBytes };
  return {
    schemes: ['process'],
    total: { vcpus: g.vcpus + 2, memoryBytes: g.memoryBytes + 4 * GiB, diskBytes: g.diskBytes + 50 * GiB },
    reserved: { vcpus: 2, memoryBytes: 4 * GiB, diskBytes: 50 * GiB },
    guest: cap,
    hash: `bench-planner-${g.vcpus}-${g.memoryBytes}-${g.diskBytes}`,
    collectedUnixMs: Date.now(),
  };
}

const openFds = () => readdirSync('/proc/self/fd').length;

async function main(): Promise<void> {
  const ca = readFileSync(process.argv[2]!);
  const agents: Agent[] = [];
  let used: Agent[] = [];
  let sh = new Shared();
  let fds0 = openFds();
  let busy = Promise.resolve();
  const serially = (fn: () => Promise<void>) => {
    busy = busy.then(fn);
    busy.catch((e) => {
      process.stderr.write(`planner-agents: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    });
  };
  process.on('message', (cmd: AgentsCommand) => {
    switch (cmd.type) {
      case 'identities':
        for (const id of cmd.ids) agents.push(new Agent(id, ca));
        return;
      case 'connect':
        return serially(async () => {
          sh = new Shared();
          fds0 = openFds();
          const t0 = performance.now();
          const deadline = Date.now() + cmd.timeoutS * 1000;
          used = agents.slice(0, cmd.sessions);
          const outcome = await pool(used, cmd.concurrency, async (a) => {
            const left = deadline - Date.now();
            return left < 1000 ? ('late' as const) : a.connect(sh, cmd.target, left, cmd.guest);
          });
          await send({
            type: 'connected',
            opened: outcome.filter((x) => x === 'open').length,
            failed: outcome.filter((x) => x === 'failed').length,
            late: outcome.filter((x) => x === 'late').length,
            seconds: (performance.now() - t0) / 1000,
            firstError: sh.stats.firstError,
          });
        });
      case 'stats':
        return serially(async () => {
          const intervals: Record<string, number> = {};
          let beats = 0;
          for (const { sim } of used) {
            beats += sim.beats;
            if (sim.open) intervals[sim.intervalMs] = (intervals[sim.intervalMs] ?? 0) + 1;
          }
          await send({ type: 'stats', stats: { ...sh.stats, open: used.filter((a) => a.sim.open).length, beats, intervals } });
        });
      case 'close':
        return serially(async () => {
          sh.stopped = true;
          for (const a of used) a.sim.close();
          // Wait until the connections are really gone: the next run needs the descriptors.
          for (let i = 0; i < 100 && openFds() > fds0 + 50; i++) await sleep(200);
          await send({ type: 'closed' });
        });
      case 'exit':
        process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

main().catch((e) => {
  process.stderr.write(`planner-agents: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
