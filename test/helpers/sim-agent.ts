import type { AgentCommand__Output } from '../../common/gen/nephele/v1/AgentCommand.js';
import * as grpc from '@grpc/grpc-js';
import type { Ack__Output as Ack } from '../../common/gen/nephele/v1/Ack.js';
import type { AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { AgentServiceClient } from '../../common/gen/nephele/v1/AgentService.js';
import type { ControllerMessage__Output as ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import type { DesiredVm__Output as DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import type { EnrollResponse__Output } from '../../common/gen/nephele/v1/EnrollResponse.js';
import type { Heartbeat } from '../../common/gen/nephele/v1/Heartbeat.js';
import type { Hello } from '../../common/gen/nephele/v1/Hello.js';
import type { VmState } from '../../common/gen/nephele/v1/VmState.js';
import type { Welcome__Output as Welcome } from '../../common/gen/nephele/v1/Welcome.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { createCsr } from '../../common/tls/pki.js';

// The simulated agent of the tests and the benchmarks: it speaks the agent
// protocol over mTLS on a Session of its own and runs nothing. It says Hello,
// beats (on its own at the interval the controller asks for, or when told),
// keeps the report sequence an honest agent keeps, and hands the Welcome, the
// acks and every DesiredState to its owner, who decides what to answer:
// fake-agent.ts (tests), scripts/bench/loadgen.ts (heartbeat load) and
// scripts/bench/planner-agents.ts (confirms placements).

export interface Identity {
  hostId: string;
  keyPem: string;
  certPem: string;
}

/** Enrols one host per join token (real Enroll over TLS, a fresh key each), `hostname(i)` naming them. */
export async function enrolAll(
  address: string,
  caPem: Buffer,
  tokens: string[],
  o: { concurrency?: number; hostname?: (i: number) => string } = {},
): Promise<Identity[]> {
  const client = new (v1().AgentService)(address, grpc.credentials.createSsl(caPem));
  const hostname = o.hostname ?? ((i: number) => `sim-${i}`);
  const out: Identity[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const i = next++;
      const key = await createCsr('nephele-agent');
      const r = await unary<EnrollResponse__Output>((cb) =>
        client.Enroll({ joinToken: tokens[i]!, csrPem: key.csrPem, hostname: hostname(i) }, cb),
      );
      out[i] = { hostId: r.hostId, keyPem: key.keyPem, certPem: r.certificatePem };
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 16, tokens.length) }, worker));
  } finally {
    client.close();
  }
  return out;
}

export interface SimAgentOptions {
  /** Over the defaults: a dedicated host with the process scheme, named after its host id. */
  hello?: Partial<Hello>;
  /** What each heartbeat says about load and free capacity. */
  heartbeat: Pick<Heartbeat, 'load' | 'free'>;
  /** 'self': at the controller's interval (Welcome, then Acks that change it), the first at a random phase; 'external': only on beat(). */
  beats: 'self' | 'external';
  channelOptions?: grpc.ChannelOptions;
}

/** What the owner hears; none of it is called for the session close() ends. */
export interface SimAgentEvents {
  /** The session is open (once per connect). */
  welcome?(w: Welcome): void;
  ack?(a: Ack): void;
  desired?(vms: DesiredVm[]): void;
  /** An agent command (management instances); answer with send({ commandResult }). */
  command?(c: AgentCommand__Output): void;
  /** The session was refused or lost, e.g. "session lost: UNAVAILABLE: …". */
  lost?(why: string): void;
}

export type Connected = 'open' | 'failed' | 'late';

/** A beat interval below this is taken as this (a hostile or broken Welcome must not spin the loop). */
const MIN_BEAT_MS = 50;

type Call = grpc.ClientDuplexStream<AgentMessage, ControllerMessage>;

export class SimAgent {
  open = false;
  /** The heartbeat interval in use (self beats). */
  intervalMs = 0;
  /** Beats sent on the current session. */
  beats = 0;
  /** Highest durable seq the controller acked. */
  acked = 0;
  welcome?: Welcome;
  private seq = 0;
  private selfBeats: boolean;
  private closing = false;
  private timer?: NodeJS.Timeout;
  private call?: Call;
  private client?: AgentServiceClient;
  private readonly creds: grpc.ChannelCredentials;

  constructor(
    readonly id: Identity,
    ca: Buffer,
    private readonly o: SimAgentOptions,
    private readonly on: SimAgentEvents = {},
  ) {
    // Parses the key and certificate once; every connect reuses the TLS context.
    this.creds = grpc.credentials.createSsl(ca, Buffer.from(id.keyPem), Buffer.from(id.certPem));
    this.selfBeats = o.beats === 'self';
  }

  /** Opens a Session: 'open' at the Welcome, 'late' if none came within `timeoutMs`, 'failed' if refused. */
  connect(target: string, timeoutMs: number): Promise<Connected> {
    this.open = false;
    this.closing = false;
    this.beats = 0;
    this.client = new (v1().AgentService)(target, this.creds, this.o.channelOptions ?? {});
    const call = this.client.Session() as Call;
    this.call = call;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (r: Connected) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        settle('late');
        call.cancel();
      }, timeoutMs);
      call.on('data', (m: ControllerMessage) => {
        switch (m.body) {
          case 'welcome': {
            if (this.open) return;
            const w = m.welcome!;
            this.open = true;
            this.welcome = w;
            this.seq = Math.max(this.seq, w.durableSeq);
            this.on.welcome?.(w);
            if (this.selfBeats) this.schedule(w.heartbeatIntervalMs, true);
            settle('open');
            return;
          }
          case 'ack': {
            const a = m.ack!;
            this.acked = Math.max(this.acked, a.durableSeq);
            if (this.selfBeats && a.heartbeatIntervalMs && a.heartbeatIntervalMs !== this.intervalMs)
              this.schedule(a.heartbeatIntervalMs, false);
            this.on.ack?.(a);
            return;
          }
          case 'desiredState':
            this.on.desired?.(m.desiredState!.vms);
            return;
          case 'command':
            this.on.command?.(m.command! as AgentCommand__Output);
            return;
          default:
            return;
        }
      });
      call.on('error', (e: grpc.ServiceError) => {
        const wasOpen = this.open;
        this.open = false;
        this.stopBeating();
        // Not for our own cancel: close(), or giving up on a Welcome.
        if (!this.closing && !(settled && !wasOpen))
          this.on.lost?.(`${wasOpen ? 'session lost' : 'refused'}: ${grpc.status[e.code] ?? e.code}: ${e.details}`);
        settle('failed');
      });
      call.on('end', () => {
        this.open = false;
        this.stopBeating();
      });
      call.write({
        hello: {
          agentVersion: 'sim',
          kind: 'HOST_KIND_DEDICATED',
          hostname: `bench-${this.id.hostId.slice(-8).toLowerCase()}`,
          schemes: ['process'],
          inventoryHash: '',
          lastAckedSeq: 0,
          addresses: [],
          ...this.o.hello,
        },
      });
    });
  }

  /** Sends the next heartbeat; returns its number. */
  beat(): number {
    const beat = ++this.beats;
    this.call!.write({ heartbeat: { beat, ...this.o.heartbeat } });
    return beat;
  }

  /** Reports a VM's state at `vm`'s generation, with the next seq. */
  report(vm: Pick<DesiredVm, 'vmId' | 'generation'>, state: VmState, reason = ''): void {
    this.call!.write({
      vmStatus: {
        seq: ++this.seq,
        vmId: vm.vmId,
        state,
        reason,
        generation: vm.generation,
        hostPort: 0,
        guestReady: state === 'VM_STATE_RUNNING',
        timeUnixMs: Date.now(),
        taskDone: false,
      },
    });
  }

  /** The next report seq, as an honest agent would number it (for messages a test writes itself). */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Writes any message on the session. */
  send(m: AgentMessage): void {
    this.call!.write(m);
  }

  /** No more self beats on this session (a test then sends its own). */
  pauseBeats(): void {
    this.selfBeats = false;
    this.stopBeating();
  }

  close(): void {
    this.closing = true;
    this.open = false;
    this.selfBeats = this.o.beats === 'self';
    this.stopBeating();
    this.call?.cancel();
    this.client?.close();
    this.call = undefined;
    this.client = undefined;
  }

  private schedule(ms: number, first: boolean): void {
    this.stopBeating();
    this.intervalMs = ms;
    if (!ms) return;
    const every = Math.max(MIN_BEAT_MS, ms);
    const tick = () => {
      if (!this.open) return;
      this.beat();
      this.timer = setTimeout(tick, every);
    };
    // The first at a random phase, so that a fleet's beats spread out.
    this.timer = setTimeout(tick, first ? Math.random() * every : every);
  }

  private stopBeating(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
