import '../../common/quiet.js';
import { readdirSync, readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { AgentServiceClient } from '../../common/gen/nephele/v1/AgentService.js';
import type { ControllerMessage__Output as ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import type { DesiredVm__Output as DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import { v1 } from '../../common/grpc/load.js';
import { pool } from './pool.js';
import type { AgentsCommand, AgentsMessage, AgentsStats, Guest } from './planner-protocol.js';
import type { Identity } from './protocol.js';

// Simulated agents for the planner-e2e benchmark: each has its own key,
// certificate and connection, and speaks the agent protocol. It says Hello
// (process scheme, dedicated), sends its inventory when the Welcome asks for
// it, beats at the interval it is told, and answers every DesiredState by
// confirming each VM it has not confirmed yet: one VmStatusReport per VM
// (RUNNING and guest ready at the desired generation, or DESTROYED when the VM
// is to be destroyed), with a sequence number that only goes up. Nothing runs.
// Child of the benchmark: commands come over IPC, answers go back.
// Usage: planner-agents.js <CA file>

type Call = grpc.ClientDuplexStream<AgentMessage, ControllerMessage>;

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
  open = false;
  intervalMs = 0;
  private seq = 0;
  private beat = 0;
  private timer?: NodeJS.Timeout;
  private call?: Call;
  private client?: AgentServiceClient;
  /** vm id → `${generation}/${state}` last reported on this connection. */
  private reported = new Map<string, string>();
  private readonly creds: grpc.ChannelCredentials;

  constructor(private readonly id: Identity, ca: Buffer) {
    this.creds = grpc.credentials.createSsl(ca, Buffer.from(id.keyPem), Buffer.from(id.certPem));
  }

  connect(sh: Shared, target: string, timeoutMs: number, guest: Guest): Promise<'open' | 'failed' | 'late'> {
    this.reported = new Map();
    this.client = new (v1().AgentService)(target, this.creds, { 'grpc.use_local_subchannel_pool': 1 });
    const call = this.client.Session();
    this.call = call;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (r: 'open' | 'failed' | 'late') => {
        if (settled) return;
        settled = true;
        clearTimeout(t);
        resolve(r);
      };
      const t = setTimeout(() => {
        settle('late');
        call.cancel();
      }, timeoutMs);
      call.on('data', (m: ControllerMessage) => {
        switch (m.body) {
          case 'welcome': {
            const w = m.welcome!;
            if (this.open) return;
            this.open = true;
            this.seq = Math.max(this.seq, w.durableSeq);
            if (w.sendInventory) call.write({ inventory: { inventory: inventoryOf(guest) } });
            this.schedule(sh, w.heartbeatIntervalMs, true);
            settle('open');
            return;
          }
          case 'ack': {
            const a = m.ack!;
            if (a.beat) sh.stats.beatAcks++;
            else sh.stats.seqAcks++;
            if (a.heartbeatIntervalMs && a.heartbeatIntervalMs !== this.intervalMs) this.schedule(sh, a.heartbeatIntervalMs, false);
            return;
          }
          case 'desiredState':
            sh.stats.desired++;
            this.converge(sh, m.desiredState!.vms);
            return;
          default:
            return;
        }
      });
      call.on('error', (e: grpc.ServiceError) => {
        const wasOpen = this.open;
        this.stopBeating();
        if (settled && !wasOpen) return; // our own cancel after giving up
        if (!sh.stopped) sh.noteError(`${wasOpen ? 'session lost' : 'refused'}: ${grpc.status[e.code] ?? e.code}: ${e.details}`);
        settle('failed');
      });
      call.on('end', () => this.stopBeating());
      call.write({
        hello: {
          agentVersion: 'bench-planner',
          kind: 'HOST_KIND_DEDICATED',
          hostname: `bench-${this.id.hostId.slice(-8).toLowerCase()}`,
          schemes: ['process'],
          inventoryHash: '',
          lastAckedSeq: 0,
          addresses: [],
        },
      });
    });
  }

  /** Confirms what it has not confirmed yet: one report per VM, seq strictly increasing. */
  private converge(sh: Shared, vms: DesiredVm[]): void {
    if (!this.open) return;
    const now = Date.now();
    for (const vm of vms) {
      const state = vm.desired === 'DESIRED_VM_STATE_DESTROYED' ? 'VM_STATE_DESTROYED' : 'VM_STATE_RUNNING';
      const key = `${vm.generation}/${state}`;
      if (this.reported.get(vm.vmId) === key) continue;
      this.reported.set(vm.vmId, key);
      const word = state === 'VM_STATE_RUNNING' ? 'running' : 'destroyed';
      sh.stats.reports[word] = (sh.stats.reports[word] ?? 0) + 1;
      this.call!.write({
        vmStatus: {
          seq: ++this.seq,
          vmId: vm.vmId,
          state,
          reason: '',
          generation: vm.generation,
          hostPort: 0,
          guestReady: state === 'VM_STATE_RUNNING',
          timeUnixMs: now,
          taskDone: false,
        },
      });
    }
  }

  /** Beats every `ms` (the first one at a random phase, so that the fleet's beats spread out). */
  private schedule(sh: Shared, ms: number, first: boolean): void {
    this.stopBeating();
    this.intervalMs = ms;
    if (!ms) return;
    const tick = () => {
      if (!this.open) return;
      sh.stats.beats++;
      this.call!.write({
        heartbeat: {
          beat: ++this.beat,
          load: { load1: 0.2, cpuPct: 3, memoryAvailableBytes: 200 * GiB },
          free: { vcpus: 60, memoryBytes: 240 * GiB, diskBytes: 1900 * GiB },
        },
      });
      this.timer = setTimeout(tick, ms);
    };
    this.timer = setTimeout(tick, first ? Math.random() * ms : ms);
  }

  private stopBeating(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.open = false;
    this.stopBeating();
    this.call?.cancel();
    this.client?.close();
    this.call = undefined;
    this.client = undefined;
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
          for (const a of used) if (a.open) intervals[a.intervalMs] = (intervals[a.intervalMs] ?? 0) + 1;
          await send({ type: 'stats', stats: { ...sh.stats, open: used.filter((a) => a.open).length, intervals } });
        });
      case 'close':
        return serially(async () => {
          sh.stopped = true;
          for (const a of used) a.close();
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
