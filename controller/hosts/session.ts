import type { AgentMessage__Output as AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import type { Hello__Output as Hello } from '../../common/gen/nephele/v1/Hello.js';
import type { Heartbeat__Output as Heartbeat } from '../../common/gen/nephele/v1/Heartbeat.js';
import type { CommandResult__Output as CommandResult } from '../../common/gen/nephele/v1/CommandResult.js';
import { FailedPreconditionError, InvalidArgumentError, ResourceExhaustedError } from '../../common/errors.js';
import { isUndecodable } from '../../common/grpc/decode.js';
import type { Clock, Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { EventLog } from '../events/log.js';
import { RateLimiter, type RateLimit } from '../rpc/ratelimit.js';
import { principalAttrs } from '../rpc/handler.js';
import type { StreamCtx } from '../rpc/stream.js';
import type { CaMaterial } from '../../common/tls/pki.js';
import { Cadence, type HeartbeatPolicy } from './heartbeat.js';
import { Liveness, type Transition } from './liveness.js';
import type { HostRegistry, HostRecord } from './registry.js';
import type { VmRegistry } from '../vms/registry.js';
import { cleanLoad, clampFree, helloRecord } from './agent-input.js';
import { OwnerStateEnum } from '../../common/grpc/convert.js';
import { DesiredPush } from './desired.js';
import { burst, enqueue, keepFree, keepLoad, type BusIngest, type Session, type Stream } from './live-session.js';
import { Reports } from './reports.js';
import { renewCertificate } from './renew.js';
import { loadLastSeen, SEEN_CHECKPOINT_MS } from './last-seen.js';

export interface SessionOptions {
  policy: HeartbeatPolicy;
  downAfterMs: number;
  /** The planner's grace before re-placing a down host's guaranteed VMs (told to agents for their fence lease). */
  replaceAfterMs: number;
  sweepMs: number;
  helloTimeoutMs: number;
  /** Signs renewed agent certificates. */
  ca?: CaMaterial;
  certValidMs: number;
  /** Messages per host per second (heartbeats, events, inventories). */
  perHost: RateLimit;
  /** New sessions per host (a stolen certificate cannot flap the real agent's session). */
  connects: RateLimit;
  /** New sessions per second the fleet's reconnects are spread for (after a controller restart). */
  reconnectsPerSec: number;
}

/**
 * Agent sessions: one bidi stream per host, admitted (the agent's certificate)
 * by the RPC layer. Heartbeats touch only memory; the store sees hellos that
 * change the record, inventories whose hash changed, agent events
 * (deduplicated by sequence) and liveness transitions.
 */
export class SessionManager {
  readonly sessions = new Map<string, Session>();
  /** Heartbeats received since start (metrics). */
  heartbeats = 0;
  readonly liveness: Liveness;
  /** Usage ingest since start (metrics): records stored, about VMs the host does not run, batches refused. */
  get usage(): Readonly<Reports['usage']> {
    return this.reports.usage;
  }
  private readonly cadence: Cadence;
  private stopping = false;
  private readonly writes = new Map<string, Promise<void>>(); // per-host transition order
  private readonly msgLimiter: RateLimiter;
  private readonly connectLimiter: RateLimiter;
  private readonly reports: Reports;
  private readonly desired: DesiredPush;
  private checkpointTimer?: Timer;
  /** Where agent command results go (controller/tokens/commands.ts), and who hears a session end. */
  commands?: { result(hostId: string, r: CommandResult): void; closed(hostId: string): void };
  /** Where appliance reports go (controller/monitor/state: bounded, only rows of the host's own VMs). */
  appliance?: { ingest(hostId: string, r: NonNullable<AgentMessage['appliance']>): Promise<void> };
  private checkpointing: Promise<void> = Promise.resolve();
  /** Where the messaging bus's reports go (controller/schemes/bus/hosts.ts: checked there, rate-limited per VM). */
  bus?: BusIngest;

  constructor(
    private readonly hosts: HostRegistry,
    events: EventLog,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: SessionOptions,
  ) {
    this.cadence = new Cadence(opts.policy, opts.reconnectsPerSec);
    this.msgLimiter = new RateLimiter(opts.perHost, clock);
    this.connectLimiter = new RateLimiter(opts.connects, clock);
    this.liveness = new Liveness(
      clock,
      { missedBeats: opts.policy.missedBeats, downAfterMs: opts.downAfterMs, sweepMs: opts.sweepMs },
      (t) => this.persist(t),
    );
    hosts.liveState = (id) => this.liveness.state(id);
    this.reports = new Reports(hosts, events, clock, log);
    this.desired = new DesiredPush(
      clock,
      (hostId) => this.reports.vms!.desiredFor(hostId),
      (hostId) => (this.reports.vms ? this.sessions.get(hostId) : undefined),
      log,
    );
  }

  /**
   * Loads known hosts so liveness resumes after a controller restart without
   * any writes: those that were ready are `unknown` until they are back.
   */
  async start(): Promise<void> {
    const known: HostRecord[] = [];
    for await (const { rec } of this.hosts.all()) known.push(rec);
    const seen = await loadLastSeen(this.hosts.store);
    // Give every host a full grace period to reconnect: the fleet's interval, or
    // longer when the agents spread their reconnects over a longer window.
    const grace = this.cadence.restarted(known.length, known.filter((r) => r.state === 'ready').length);
    for (const r of known) {
      const lastSeen = Math.max(r.lastSeenUnixMs, seen.get(r.id) ?? 0);
      this.liveness.restored(r.id, r.state, grace, lastSeen);
      this.hosts.seen.note(r.id, lastSeen);
    }
    this.liveness.start();
    this.checkpointTimer = this.clock.setInterval(() => this.checkpoint(), SEEN_CHECKPOINT_MS);
  }

  stop(): void {
    // A controller shutdown is not the hosts' fault: record no transitions for it,
    // only when each connected host was last heard from (flush() waits for it).
    this.stopping = true;
    this.liveness.stop();
    this.checkpointTimer?.cancel();
    this.checkpoint();
    for (const s of this.sessions.values()) s.end();
  }

  /** Stores the last-seen time of every connected host that was heard from since the previous checkpoint. */
  private checkpoint(): void {
    const seen: [string, number][] = [];
    for (const id of this.sessions.keys()) {
      const at = this.liveness.lastSeen(id);
      if (at !== undefined) seen.push([id, at]);
    }
    this.checkpointing = this.checkpointing
      .then(() => this.hosts.seen.write(seen))
      .then(
        (n) => void (n && this.log.debug({ hosts: n }, 'host last-seen checkpoint')),
        (err) => this.log.error({ err }, 'could not store host last-seen times'),
      );
  }

  /** A removed host: nothing of it stays in memory. */
  forget(hostId: string): void {
    this.liveness.forget(hostId);
    this.hosts.seen.forget(hostId);
    this.hosts.live.delete(hostId);
  }

  currentInterval(): number {
    return this.cadence.interval;
  }

  /** Waits for pending liveness writes (tests and shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.values(), this.checkpointing]);
  }

  private persist(t: Transition): void {
    // Back after a restart: the record says ready already (and `unknown` is never stored).
    if (t.to === 'unknown' || (t.from === 'unknown' && t.to === 'ready')) return;
    const to = t.to;
    const prev = this.writes.get(t.hostId) ?? Promise.resolve();
    const next = prev
      .then(() => this.hosts.setState(t.hostId, to, t.reason, this.liveness.lastSeen(t.hostId) ?? this.clock.now()))
      .catch((err) => this.log.error({ err, host_id: t.hostId }, 'could not persist host state'));
    this.writes.set(t.hostId, next);
    void next.then(() => {
      if (this.writes.get(t.hostId) === next) this.writes.delete(t.hostId);
    });
  }

  /** VMs arrive with the VM capability; sessions then carry desired state and VM reports. */
  attachVms(vms: VmRegistry): void {
    this.reports.vms = vms;
  }

  /** Sends a host its full desired state (level-triggered, debounced: see DesiredPush). */
  pushDesired(hostId: string): void {
    this.desired.request(hostId);
  }

  /** Sends one message on a host's live session; false when it has none. */
  sendTo(hostId: string, m: ControllerMessage): boolean {
    const s = this.sessions.get(hostId);
    if (!s || s.replaced) return false;
    s.send(m);
    return true;
  }

  /** Messages written to a host's live session and not yet taken by HTTP/2 (undefined: no session). */
  backlog(hostId: string): number | undefined {
    const s = this.sessions.get(hostId);
    return s && !s.replaced ? s.call.writableLength : undefined;
  }

  /** Ends a host's session now (e.g. its credentials were revoked). */
  disconnect(hostId: string, reason: string): void {
    const s = this.sessions.get(hostId);
    if (!s) return;
    s.call.emit('error', { code: 16, details: reason });
  }

  /**
   * Serves one admitted session (see streamRpc): resolves when it closes,
   * rejects with why it was refused or broken off. Until the session is
   * established a failure is audited like a refused call.
   */
  handle(call: Stream, ctx: StreamCtx): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (call.cancelled) return resolve(); // gone while it was admitted: no 'cancelled' will come
      const hostId = ctx.principal.id;
      ctx.audit = { pending: true, attributes: principalAttrs(ctx.principal) };
      let session: Session | undefined;
      let over = false; // we ended the call (or it broke): no more writes
      const send = (m: ControllerMessage) => {
        if (!over) call.write(HOLD_ACKS && m.ack ? { ack: { ...m.ack, durableSeq: 0 } } : m);
      };
      const finish = () => {
        if (over) return;
        over = true;
        call.end();
        resolve();
      };
      const fail = (err: unknown) => {
        if (over) return;
        over = true;
        reject(err);
      };
      let helloTimer = this.clock.setTimeout(
        () => fail(new FailedPreconditionError('no Hello within the timeout')),
        this.opts.helloTimeoutMs,
      );
      let starting: Promise<void> | undefined;

      const onHello = async (hello: Hello) => {
        if (ctx.agent?.retirePrevious) await this.hosts.retirePreviousCertificate(hostId);
        if (!this.connectLimiter.take(hostId))
          throw new ResourceExhaustedError('too many new sessions for this host; back off');
        const prior = this.sessions.get(hostId);
        if (over) return; // the call ended while we were loading the host
        if (prior) {
          prior.replaced = true;
          prior.end();
          this.commands?.closed(hostId); // commands sent on it are not answered on the new one
        }
        const rec = await this.hosts.update(hostId, (r) => {
          const next = helloRecord(r, hello, call.getPeer());
          return JSON.stringify(next) === JSON.stringify(r) ? undefined : next;
        });
        const acked = await this.hosts.acks.get(hostId);
        this.cadence.recompute(this.sessions.size + (prior ? 0 : 1));
        const { interval, reconnectWindowMs } = this.cadence;
        session = {
          hostId,
          call,
          send,
          end: finish,
          live: { free: null, load: null, peer: ctx.peer, intervalMs: interval, owner: rec.rec.owner },
          intervalMs: interval,
          reconnectWindowMs,
          durableSeq: acked.rec.durableSeq,
          acked,
          sessionSeq: 0,
          refused: 0,
          guest: rec.rec.inventory?.guest ?? null,
          queue: Promise.resolve(),
          pending: 0,
          flow: { pause: () => call.pause(), resume: () => call.resume() },
          replaced: false,
        };
        ctx.audit = undefined; // established: later failures are the session's, not a refusal
        this.sessions.set(hostId, session);
        this.hosts.live.set(hostId, session.live);
        this.liveness.connected(hostId, interval);
        helloTimer.cancel();
        send({
          welcome: {
            hostId,
            heartbeatIntervalMs: interval,
            sendInventory: !rec.rec.inventory || hello.inventoryHash !== rec.rec.inventory.hash,
            durableSeq: acked.rec.durableSeq,
            serverTimeUnixMs: this.clock.now(),
            outboxEpochs: acked.rec.outboxEpochs,
            replaceWindowMs: this.opts.downAfterMs + this.opts.replaceAfterMs,
            reconnectWindowMs,
          },
        });
        this.log.info(
          // The stored (cut) version: an agent's string is never logged at whatever length it sent.
          { host_id: hostId, peer: ctx.peer, agent_version: rec.rec.agentVersion, interval_ms: interval },
          'agent session established',
        );
        this.pushDesired(hostId);
      };

      call.on('data', (msg: AgentMessage) => {
        if (isUndecodable(msg)) return fail(new InvalidArgumentError('message', 'cannot be decoded'));
        if (!session) {
          if (msg.body !== 'hello' || !msg.hello)
            return fail(new FailedPreconditionError('the first message must be Hello'));
          if (starting) return;
          starting = onHello(msg.hello).catch(fail);
          return;
        }
        const s = session;
        // Bus messages have their own per-VM rate (dropped, not fatal): a chatty VM must not end its host's session.
        if (msg.body === 'busPublish' || msg.body === 'busSubscription') return this.bus?.relay(s.hostId, msg);
        if (!this.msgLimiter.take(s.hostId))
          return fail(new ResourceExhaustedError('message rate limit exceeded for this host'));
        switch (msg.body) {
          case 'heartbeat':
            return this.beat(s, msg.heartbeat!);
          case 'inventory': {
            const inv = msg.inventory?.inventory;
            if (!inv) return fail(new InvalidArgumentError('inventory.inventory', 'is required'));
            return enqueue(
              s,
              () => this.reports.inventory(s, inv),
              (err) => this.log.error({ err, host_id: s.hostId }, 'inventory not stored'),
            );
          }
          case 'event':
            return enqueue(s, () => this.reports.agentEvent(s, msg.event!), fail);
          case 'vmStatus':
            return burst(s, msg.vmStatus!, (rs) => this.reports.vmStatuses(s, rs), fail);
          case 'usage':
            return enqueue(s, () => this.reports.usageBatch(s, msg.usage!), fail);
          case 'commandResult':
            return this.commands?.result(s.hostId, msg.commandResult!);
          case 'appliance': {
            const st = this.appliance;
            if (!st || !msg.appliance) return;
            return enqueue(
              s,
              () => st.ingest(s.hostId, msg.appliance!),
              (err) => this.log.error({ err, host_id: s.hostId }, 'appliance report not applied'),
            );
          }
          case 'renew':
            return enqueue(s, () => renewCertificate(this.hosts, this.opts, s, msg.renew!.csrPem), fail);
          case 'hello': // repeated: ignored
          case undefined: // a message this controller does not know: ignored
            return;
        }
      });

      const closed = (why: string) => {
        helloTimer.cancel();
        helloTimer = { cancel() {} };
        if (this.stopping || !session || session.replaced || this.sessions.get(session.hostId) !== session) return;
        this.sessions.delete(session.hostId);
        this.commands?.closed(session.hostId);
        this.bus?.closed(session.hostId);
        session.live.peer = '';
        this.liveness.disconnected(session.hostId, why);
        this.cadence.recompute(this.sessions.size);
      };
      call.on('end', () => {
        closed('session closed by agent');
        finish();
      });
      const broken = (why: string) => () => {
        over = true;
        closed(why);
        resolve(); // the status went out already (or the client is gone): nothing left to report
      };
      call.on('error', broken('session broken'));
      call.on('cancelled', broken('session cancelled'));
    });
  }

  /** A heartbeat: liveness and live figures in memory, an ack with what changed. */
  private beat(s: Session, hb: Heartbeat): void {
    this.heartbeats++;
    this.liveness.beat(s.hostId);
    // Checked copies, kept in place: the decoded message is not retained past this beat.
    keepFree(s.live, clampFree(hb.free, s.guest));
    keepLoad(s.live, cleanLoad(hb.load));
    const { interval: fleetInterval, reconnectWindowMs: fleetWindow } = this.cadence;
    let interval = 0;
    if (s.intervalMs !== fleetInterval) {
      interval = s.intervalMs = s.live.intervalMs = fleetInterval;
      this.liveness.setInterval(s.hostId, interval);
    }
    let window = 0;
    if (s.reconnectWindowMs !== fleetWindow) window = s.reconnectWindowMs = fleetWindow;
    s.send({
      ack: {
        beat: hb.beat,
        durableSeq: s.durableSeq,
        heartbeatIntervalMs: interval,
        reconnectWindowMs: window,
        serverTimeUnixMs: this.clock.now(),
      },
    });
    const owner = OwnerStateEnum.fromProto(hb.owner);
    if (owner !== undefined && owner !== s.live.owner) {
      s.live.owner = owner;
      enqueue(
        s,
        () => this.reports.owner(s, owner),
        (err) => this.log.error({ err, host_id: s.hostId }, 'owner state not stored'),
      );
    }
  }
}

/**
 * Tests only: store reports but never tell the agent (acks carry no durable
 * seq), so a test can kill an agent between a batch's send and its ack. The
 * agent learns what was stored from the next Welcome, as after any lost ack.
 */
const HOLD_ACKS = process.env.NEPHELE_TEST_HOLD_ACKS === '1';
