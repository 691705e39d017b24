import type * as grpc from '@grpc/grpc-js';
import type { AgentMessage__Output as AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import type { Hello__Output as Hello } from '../../common/gen/nephele/v1/Hello.js';
import { cleanSchemeInfo } from './schemes.js';
import type { AgentEvent__Output as AgentEvent } from '../../common/gen/nephele/v1/AgentEvent.js';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, ResourceExhaustedError, UnauthenticatedError } from '../../common/errors.js';
import { statusName, toStatus } from '../../common/grpc/status.js';
import { isUndecodable } from '../../common/grpc/decode.js';
import { ULID_RE } from '../../common/ids.js';
import { LABEL_KEY_RE } from '../../common/validate.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { auditEvent, type EventLog } from '../events/log.js';
import { RateLimiter, type RateLimit } from '../rpc/ratelimit.js';
import { CsrError, signCsr, type CaMaterial } from '../../common/tls/pki.js';
import { heartbeatInterval, intervalChanged, reconnectWindow, restartGraceInterval, type HeartbeatPolicy } from './heartbeat.js';
import { Liveness, type Transition } from './liveness.js';
import { HOSTS, type HostRegistry, type HostRecord, type LiveInfo } from './registry.js';
import type { VmRegistry } from '../vms/registry.js';
import type { VmStatusReport__Output as VmStatusReport } from '../../common/gen/nephele/v1/VmStatusReport.js';
import { at, put } from '../../common/store/index.js';
import type { Capacity__Output as Capacity } from '../../common/gen/nephele/v1/Capacity.js';
import { cleanAddresses, cleanLoad, clampFree, judgeSeq } from './agent-input.js';
import { noteEpoch } from './outbox-epochs.js';
import { outsideCall } from '../context.js';

type Stream = grpc.ServerDuplexStream<AgentMessage, ControllerMessage>;

/** The host a call comes from and the serial of the certificate it presented. */
interface PeerIdentity {
  hostId: string;
  serial: string;
}

interface Session {
  hostId: string;
  call: Stream;
  /** Writes unless the call is over: nothing is ever written after end or an error. */
  send: (m: ControllerMessage) => void;
  live: LiveInfo;
  intervalMs: number;
  reconnectWindowMs: number;
  durableSeq: number;
  /** Highest report seq this session delivered (stored or duplicate): within a session seqs only grow. */
  sessionSeq: number;
  /** Reports refused this session (only the first becomes an event). */
  refused: number;
  /** Guest capacity of the stored inventory: free capacity from heartbeats is clamped to it. */
  guest: Capacity | null;
  queue: Promise<void>; // durable writes of this session, in order
  replaced: boolean;
  end: () => void;
}

export interface SessionOptions {
  policy: HeartbeatPolicy;
  downAfterMs: number;
  /** The planner's grace before re-placing a down host's guaranteed VMs (told to agents for their fence lease). */
  replaceAfterMs: number;
  sweepMs: number;
  insecure: boolean;
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

const MAX_EVENT_ATTRS = 32;
const EVENT_TYPE_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const EPOCH_RE = /^[0-9a-f]{0,32}$/;

function normSerial(s: string): string {
  return s.toLowerCase().replace(/^0+/, '');
}

/**
 * Agent sessions: one bidi stream per host. Heartbeats touch only memory; the
 * store sees hellos that change the record, inventories whose hash changed,
 * agent events (deduplicated by sequence) and liveness transitions.
 */
export class SessionManager {
  readonly sessions = new Map<string, Session>();
  readonly liveness: Liveness;
  private interval: number;
  private reconnectWindowMs: number;
  /** Hosts that were ready when this controller started: the fleet coming back, even before it has. */
  private readyAtStart = 0;
  private stopping = false;
  private readonly writes = new Map<string, Promise<void>>(); // per-host transition order
  private readonly msgLimiter: RateLimiter;
  private readonly connectLimiter: RateLimiter;
  private readonly refusalLimiter: RateLimiter;

  constructor(
    private readonly hosts: HostRegistry,
    private readonly events: EventLog,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: SessionOptions,
  ) {
    this.interval = heartbeatInterval(0, opts.policy);
    this.reconnectWindowMs = reconnectWindow(0, opts.reconnectsPerSec);
    this.msgLimiter = new RateLimiter(opts.perHost, clock);
    this.connectLimiter = new RateLimiter(opts.connects, clock);
    this.refusalLimiter = new RateLimiter({ perSec: 5, burst: 20 }, clock);
    this.liveness = new Liveness(clock, { missedBeats: opts.policy.missedBeats, downAfterMs: opts.downAfterMs, sweepMs: opts.sweepMs }, (t) => this.persist(t));
  }

  /** Loads known hosts so liveness resumes after a controller restart without any writes. */
  async start(): Promise<void> {
    let n = 0;
    const known: HostRecord[] = [];
    for await (const { rec } of this.hosts.all()) {
      known.push(rec);
      n++;
    }
    // The first agents back must not learn a small fleet's window: were the
    // controller to restart again, they would all come at once.
    this.readyAtStart = known.filter((r) => r.state === 'HOST_STATE_READY').length;
    this.reconnectWindowMs = reconnectWindow(this.readyAtStart, this.opts.reconnectsPerSec);
    // Give every host a full grace period to reconnect: the fleet's interval, or
    // longer when the agents spread their reconnects over a longer window.
    const grace = restartGraceInterval(n, this.opts.policy, this.opts.reconnectsPerSec);
    for (const r of known) this.liveness.track(r.id, r.state as never, grace);
    this.liveness.start();
  }

  stop(): void {
    // A controller shutdown is not the hosts' fault: record no transitions for it.
    this.stopping = true;
    this.liveness.stop();
    for (const s of this.sessions.values()) s.end();
  }

  currentInterval(): number {
    return this.interval;
  }

  /** Waits for pending liveness writes (tests and shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.values()]);
  }

  private persist(t: Transition): void {
    const prev = this.writes.get(t.hostId) ?? Promise.resolve();
    const next = prev
      .then(() => this.hosts.setState(t.hostId, t.to, t.reason, this.liveness.lastSeen(t.hostId) ?? this.clock.now()))
      .catch((err) => this.log.error({ err, host_id: t.hostId }, 'could not persist host state'));
    this.writes.set(t.hostId, next);
    void next.then(() => {
      if (this.writes.get(t.hostId) === next) this.writes.delete(t.hostId);
    });
  }

  /**
   * The host a call comes from: its client certificate (current or the one it
   * replaces), a known host, not revoked. Used by Session and the disk transfers.
   */
  async authenticateAgent(call: Pick<Stream, 'metadata' | 'getAuthContext'>): Promise<string> {
    const peer = this.identify(call);
    await this.authenticate(peer, false);
    return peer.hostId;
  }

  private async authenticate({ hostId, serial: peerSerial }: PeerIdentity, session: boolean): Promise<void> {
    const found = await this.hosts.find(hostId);
    if (!found) throw new NotFoundError('host');
    if (found.revoked) throw new UnauthenticatedError('host credentials have been revoked');
    if (!this.opts.insecure && found.certSerial) {
      const serial = normSerial(peerSerial);
      const current = serial === normSerial(found.certSerial);
      if (!current && serial !== normSerial(found.previousCertSerial ?? '')) throw new UnauthenticatedError('certificate has been superseded');
      if (session && current && found.previousCertSerial) await this.hosts.retirePreviousCertificate(hostId);
    }
  }

  /** Who the call is from. The peer certificate is read once: grpc-js builds it anew on every getAuthContext(). */
  private identify(call: Pick<Stream, 'metadata' | 'getAuthContext'>): PeerIdentity {
    if (this.opts.insecure) {
      const id = call.metadata.get('x-nephele-host-id')[0];
      if (typeof id !== 'string' || !ULID_RE.test(id)) throw new UnauthenticatedError('insecure session needs x-nephele-host-id');
      return { hostId: id, serial: '' };
    }
    const cert = call.getAuthContext().sslPeerCertificate;
    const cn = cert?.subject?.CN;
    if (!cert || typeof cn !== 'string' || !ULID_RE.test(cn)) throw new UnauthenticatedError('a client certificate issued by this controller is required');
    return { hostId: cn, serial: cert.serialNumber ?? '' };
  }

  private vms?: VmRegistry;
  private readonly pushPending = new Set<string>();

  /** VMs arrive with the VM capability; sessions then carry desired state and VM reports. */
  attachVms(vms: VmRegistry): void {
    this.vms = vms;
  }

  /**
   * Sends a host its full desired state (level-triggered). Calls made while a
   * push is being computed collapse into one more push.
   */
  pushDesired(hostId: string): void {
    const s = this.sessions.get(hostId);
    if (!s || !this.vms || this.pushPending.has(hostId)) return;
    this.pushPending.add(hostId);
    // A short delay collapses a burst of changes (a set of 200 VMs) into a few pushes,
    // made outside the call that caused them.
    setTimeout(outsideCall(() => {
      this.pushPending.delete(hostId);
      const cur = this.sessions.get(hostId);
      if (!cur || cur.replaced || !this.vms) return;
      this.vms
        .desiredFor(hostId)
        .then((vms) => {
          if (!cur.replaced) cur.send({ desiredState: { vms } });
        })
        .catch((err) => this.log.error({ err, host_id: hostId }, 'could not compute desired state'));
    }), 10);
  }

  /** Ends a host's session now (e.g. its credentials were revoked). */
  disconnect(hostId: string, reason: string): void {
    const s = this.sessions.get(hostId);
    if (!s) return;
    s.call.emit('error', { code: 16, details: reason });
  }

  handle(call: Stream): void {
    let session: Session | undefined;
    let hostId = '';
    let failed = false;
    let over = false; // we ended the call (or it broke): no more writes
    const send = (m: ControllerMessage) => {
      if (!over) call.write(m);
    };
    const finish = () => {
      if (over) return;
      over = true;
      call.end();
    };
    const peer = call.getPeer();
    const fail = (err: unknown) => {
      if (failed || over) return;
      failed = true;
      over = true;
      const st = toStatus(err);
      this.log.info({ host_id: hostId || undefined, peer, code: st.code, reason: st.details }, 'agent session refused');
      if (!session && this.refusalLimiter.take(peer.replace(/:\d+$/, ''))) {
        const ctx = { rpc: 'AgentService.Session', actor: hostId, peer, tenant: '', audit: { pending: false, attributes: (hostId ? { host_id: hostId } : {}) as Record<string, string> } };
        void this.events.append(auditEvent(ctx, statusName(st.code))).catch(() => {});
      }
      call.emit('error', { code: st.code, details: st.details });
    };
    let helloTimer = this.clock.setTimeout(() => fail(new FailedPreconditionError('no Hello within the timeout')), this.opts.helloTimeoutMs);
    let starting: Promise<void> | undefined;

    const onHello = async (hello: Hello) => {
      const peerId = this.identify(call);
      hostId = peerId.hostId;
      await this.authenticate(peerId, true);
      if (!this.connectLimiter.take(hostId)) throw new ResourceExhaustedError('too many new sessions for this host; back off');
      const prior = this.sessions.get(hostId);
      if (over) return; // the call ended while we were loading the host
      if (prior) {
        prior.replaced = true;
        prior.end();
      }
      const addresses = cleanAddresses(hello.addresses, peerIp(peer));
      const rec = await this.hosts.update(hostId, (r) => {
        const next = {
          ...r,
          name: hello.hostname.slice(0, 253) || r.name,
          agentVersion: hello.agentVersion.slice(0, 64),
          schemes: hello.schemes.slice(0, 16).map((s) => s.slice(0, 32)),
          addresses,
          labels: cleanLabels(hello.labels),
          owner: OWNER_STATES.has(hello.owner) ? hello.owner : 'OWNER_STATE_UNSPECIFIED',
          offersGuarantees: !!hello.offersGuarantees,
          schemeInfo: cleanSchemeInfo(hello.schemeInfo),
        };
        return JSON.stringify(next) === JSON.stringify(r) ? undefined : next;
      });
      this.recomputeInterval(this.sessions.size + (prior ? 0 : 1));
      session = {
        hostId,
        call,
        send,
        end: finish,
        live: { free: null, load: null, peer, intervalMs: this.interval, owner: rec.rec.owner },
        intervalMs: this.interval,
        reconnectWindowMs: this.reconnectWindowMs,
        durableSeq: rec.rec.durableSeq,
        sessionSeq: 0,
        refused: 0,
        guest: rec.rec.inventory?.guest ?? null,
        queue: Promise.resolve(),
        replaced: false,
      };
      this.sessions.set(hostId, session);
      this.hosts.live.set(hostId, session.live);
      this.liveness.connected(hostId, this.interval);
      helloTimer.cancel();
      send({
        welcome: {
          hostId,
          heartbeatIntervalMs: this.interval,
          sendInventory: !rec.rec.inventory || hello.inventoryHash !== rec.rec.inventory.hash,
          durableSeq: rec.rec.durableSeq,
          serverTimeUnixMs: this.clock.now(),
          outboxEpochs: rec.rec.outboxEpochs ?? [],
          replaceWindowMs: this.opts.downAfterMs + this.opts.replaceAfterMs,
          reconnectWindowMs: this.reconnectWindowMs,
        },
      });
      this.log.info({ host_id: hostId, peer, agent_version: hello.agentVersion, interval_ms: this.interval }, 'agent session established');
      this.pushDesired(hostId);
    };

    call.on('data', (msg: AgentMessage) => {
      if (isUndecodable(msg)) return fail(new InvalidArgumentError('message', 'cannot be decoded'));
      if (!session) {
        if (msg.body !== 'hello' || !msg.hello) return fail(new FailedPreconditionError('the first message must be Hello'));
        if (starting) return;
        starting = onHello(msg.hello).catch(fail);
        return;
      }
      const s = session;
      if (!this.msgLimiter.take(s.hostId)) return fail(new ResourceExhaustedError('message rate limit exceeded for this host'));
      switch (msg.body) {
        case 'heartbeat': {
          const hb = msg.heartbeat!;
          this.liveness.beat(s.hostId);
          // Checked copies, kept in place: the decoded message is not retained past this beat.
          keepFree(s.live, clampFree(hb.free, s.guest));
          keepLoad(s.live, cleanLoad(hb.load));
          let interval = 0;
          if (s.intervalMs !== this.interval) {
            interval = s.intervalMs = s.live.intervalMs = this.interval;
            this.liveness.setInterval(s.hostId, interval);
          }
          let window = 0;
          if (s.reconnectWindowMs !== this.reconnectWindowMs) window = s.reconnectWindowMs = this.reconnectWindowMs;
          send({ ack: { beat: hb.beat, durableSeq: s.durableSeq, heartbeatIntervalMs: interval, reconnectWindowMs: window } });
          if (hb.owner !== s.live.owner && OWNER_STATES.has(hb.owner)) this.ownerChanged(s, hb.owner);
          return;
        }
        case 'inventory':
          if (!msg.inventory?.inventory) return fail(new InvalidArgumentError('inventory.inventory', 'is required'));
          s.queue = s.queue
            .then(async () => {
              const r = await this.hosts.setInventory(s.hostId, msg.inventory!.inventory!);
              if (r.ok) s.guest = r.inv.guest;
              if (!r.ok) this.log.warn({ host_id: s.hostId, reason: r.reason }, 'inventory rejected; the previous one is kept');
              else if (r.truncated.length) this.log.warn({ host_id: s.hostId, truncated: r.truncated }, 'inventory cut to the size limits');
            })
            .catch((err) => this.log.error({ err, host_id: s.hostId }, 'inventory not stored'));
          return;
        case 'event':
          s.queue = s.queue.then(() => this.storeAgentEvent(s, msg.event!)).catch((err) => fail(err));
          return;
        case 'vmStatus':
          s.queue = s.queue.then(() => this.storeVmStatus(s, msg.vmStatus!)).catch((err) => fail(err));
          return;
        case 'renew':
          s.queue = s.queue.then(() => this.renew(s, msg.renew!.csrPem)).catch((err) => fail(err));
          return;
        case 'hello':
          return; // repeated hello: ignore
        default:
          return;
      }
    });

    const closed = (why: string) => {
      helloTimer.cancel();
      helloTimer = { cancel() {} };
      if (this.stopping || !session || session.replaced || this.sessions.get(session.hostId) !== session) return;
      this.sessions.delete(session.hostId);
      session.live.peer = '';
      this.liveness.disconnected(session.hostId, why);
      this.recomputeInterval(this.sessions.size);
    };
    call.on('end', () => {
      closed('session closed by agent');
      finish();
    });
    call.on('error', () => {
      over = true;
      closed('session broken');
    });
    call.on('cancelled', () => {
      over = true;
      closed('session cancelled');
    });
  }

  /** The owner policy of an ad-hoc host changed: record it (the planner filters on it and evacuates on EVACUATE). */
  private ownerChanged(s: Session, owner: Session['live']['owner']): void {
    s.live.owner = owner;
    s.queue = s.queue
      .then(() => this.hosts.update(s.hostId, (r) => (r.owner === owner ? undefined : { ...r, owner }), () => [{
        type: 'host.owner_changed',
        severity: owner === 'OWNER_STATE_IDLE' ? 'info' : 'warning',
        message: `host owner is ${owner.replace('OWNER_STATE_', '').toLowerCase()}`,
        hostId: s.hostId,
        attributes: { owner: owner.replace('OWNER_STATE_', '').toLowerCase() },
      }]))
      .then(() => undefined)
      .catch((err) => this.log.error({ err, host_id: s.hostId }, 'owner state not stored'));
  }

  /** Stores an agent event exactly once: duplicates (resends after a reconnect) only get an ack. */
  private async storeAgentEvent(s: Session, e: AgentEvent): Promise<void> {
    if (!Number.isSafeInteger(e.seq) || e.seq <= 0) throw new InvalidArgumentError('event.seq', 'must be positive');
    if (!EPOCH_RE.test(e.epoch ?? '')) throw new InvalidArgumentError('event.epoch', 'must be up to 32 hex digits');
    if (this.acceptSeq(s, e.seq, 'event')) {
      const attrs: Record<string, string> = {};
      for (const [k, v] of Object.entries(e.attributes ?? {}).slice(0, MAX_EVENT_ATTRS)) attrs[k.slice(0, 64)] = String(v).slice(0, 256);
      await this.hosts.update(
        s.hostId,
        (r) => (e.seq <= r.durableSeq ? undefined : { ...r, durableSeq: e.seq, outboxEpochs: noteEpoch(r.outboxEpochs, e.epoch, e.seq) }),
        () => [{
          type: `agent.${EVENT_TYPE_RE.test(e.type) ? e.type : 'unknown'}`,
          severity: (['info', 'warning', 'error'].includes(e.severity) ? e.severity : 'info') as 'info',
          message: e.message.slice(0, 1024),
          hostId: s.hostId,
          actor: s.hostId,
          attributes: { ...attrs, agent_seq: String(e.seq), agent_time: new Date(validTime(e.timeUnixMs) ?? this.clock.now()).toISOString() },
        }],
      );
      s.durableSeq = e.seq;
    }
    if (!s.replaced) s.send({ ack: { beat: 0, durableSeq: s.durableSeq, heartbeatIntervalMs: 0 } });
  }

  /**
   * Whether a report is new and plausible. Duplicates (resends after a
   * reconnect) are only acked; a seq far past the stored one or going backwards
   * within the session is refused with a logged reason and an event, and
   * durableSeq stays where it was, so the host's later reports still land.
   */
  private acceptSeq(s: Session, seq: number, kind: 'event' | 'vm_status'): boolean {
    const v = judgeSeq(seq, s.durableSeq, s.sessionSeq);
    if (v === 'store' || v === 'duplicate') {
      s.sessionSeq = seq;
      return v === 'store';
    }
    this.log.warn({ host_id: s.hostId, kind, seq, durable_seq: s.durableSeq, reason: v.reject }, 'agent report refused');
    if (s.refused++ === 0) {
      void this.events
        .append({ type: 'host.report_refused', severity: 'warning', message: `agent report refused: ${v.reject}`, hostId: s.hostId, actor: s.hostId, attributes: { kind, seq: String(seq), durable_seq: String(s.durableSeq) } })
        .catch((err) => this.log.error({ err, host_id: s.hostId }, 'refusal event not stored'));
    }
    return false;
  }

  /**
   * Applies a VM state report exactly once (deduplicated by the agent's durable
   * sequence, like events), retrying when it races an operator's change.
   */
  private async storeVmStatus(s: Session, r: VmStatusReport): Promise<void> {
    if (!Number.isSafeInteger(r.seq) || r.seq <= 0) throw new InvalidArgumentError('vm_status.seq', 'must be positive');
    if (typeof r.vmId !== 'string' || !ULID_RE.test(r.vmId)) throw new InvalidArgumentError('vm_status.vm_id', 'not a vm id');
    if (!VM_STATES.has(r.state)) throw new InvalidArgumentError('vm_status.state', 'not a vm state');
    if (!Number.isSafeInteger(r.generation) || r.generation < 0) throw new InvalidArgumentError('vm_status.generation', 'must be a non-negative integer');
    if (!EPOCH_RE.test(r.epoch ?? '')) throw new InvalidArgumentError('vm_status.epoch', 'must be up to 32 hex digits');
    r = { ...r, reason: String(r.reason ?? '').slice(0, 512), hostPort: r.hostPort > 0 && r.hostPort < 65536 ? r.hostPort : 0 };
    const vms = this.vms;
    if (vms && this.acceptSeq(s, r.seq, 'vm_status')) {
      const run = async () => {
        for (let attempt = 0; r.seq > s.durableSeq; attempt++) {
          const { rec, version } = await this.hosts.get(s.hostId);
          if (r.seq <= rec.durableSeq) {
            s.durableSeq = rec.durableSeq;
            return;
          }
          const hostOps = { ops: [put(HOSTS, s.hostId, { ...rec, durableSeq: r.seq, outboxEpochs: noteEpoch(rec.outboxEpochs, r.epoch, r.seq) })], pre: [at(HOSTS, s.hostId, version)] };
          const seen = await vms.observe(s.hostId, r, hostOps);
          const change = seen && 'ignored' in seen ? undefined : seen;
          if (seen && 'ignored' in seen) this.log.warn({ host_id: s.hostId, vm_id: r.vmId, state: r.state, reason: seen.ignored }, 'vm report ignored');
          try {
            await this.events.commit({ ops: change?.ops ?? hostOps.ops, preconditions: change?.pre ?? hostOps.pre, events: (change?.events ?? []).map((e) => ({ ...e, actor: s.hostId })) });
            s.durableSeq = r.seq;
            if (change) vms.committed(change);
            return;
          } catch (e) {
            if ((e as { code?: string }).code !== 'ABORTED' || attempt > 20) throw e;
          }
        }
      };
      await (r.state === 'VM_STATE_DESTROYED' ? vms.underTenantOf(r.vmId, run) : run());
    }
    if (!s.replaced) s.send({ ack: { beat: 0, durableSeq: s.durableSeq, heartbeatIntervalMs: 0 } });
  }

  /** Signs a renewed client certificate over the live mTLS session. */
  private async renew(s: Session, csrPem: string): Promise<void> {
    if (!this.opts.ca) throw new FailedPreconditionError('certificate renewal needs TLS');
    if (typeof csrPem !== 'string' || csrPem.length > 16_384) throw new InvalidArgumentError('renew.csr_pem', 'missing or too long');
    let cert: Awaited<ReturnType<typeof signCsr>>;
    try {
      cert = await signCsr(this.opts.ca, csrPem, { commonName: s.hostId, uris: [`spiffe://nephele/host/${s.hostId}`], validMs: this.opts.certValidMs });
    } catch (e) {
      if (e instanceof CsrError) throw new InvalidArgumentError('renew.csr_pem', e.message);
      throw e;
    }
    await this.hosts.renewCertificate(s.hostId, cert.serial, cert.notAfter);
    if (!s.replaced) s.send({ certificate: { certificatePem: cert.certPem, notAfterUnixMs: cert.notAfter } });
  }

  private recomputeInterval(n: number): void {
    const next = heartbeatInterval(n, this.opts.policy);
    if (intervalChanged(this.interval, next)) this.interval = next;
    const window = reconnectWindow(Math.max(n, this.readyAtStart), this.opts.reconnectsPerSec);
    if (intervalChanged(this.reconnectWindowMs, window)) this.reconnectWindowMs = window;
  }
}

// A host's live figures are updated in place: the decoded heartbeat then dies
// young, where keeping it for a beat interval would promote it to the old
// generation (two objects per beat: 20,000 a second at 10,000 hosts and 1 Hz).
function keepFree(live: LiveInfo, f: LiveInfo['free']): void {
  if (!f || !live.free) live.free = f && { vcpus: f.vcpus, memoryBytes: f.memoryBytes, diskBytes: f.diskBytes };
  else {
    live.free.vcpus = f.vcpus;
    live.free.memoryBytes = f.memoryBytes;
    live.free.diskBytes = f.diskBytes;
  }
}
function keepLoad(live: LiveInfo, l: LiveInfo['load']): void {
  if (!l || !live.load) live.load = l && { load1: l.load1, cpuPct: l.cpuPct, memoryAvailableBytes: l.memoryAvailableBytes, ownerCpuPct: l.ownerCpuPct, ownerIdleMs: l.ownerIdleMs };
  else {
    live.load.load1 = l.load1;
    live.load.cpuPct = l.cpuPct;
    live.load.memoryAvailableBytes = l.memoryAvailableBytes;
    live.load.ownerCpuPct = l.ownerCpuPct;
    live.load.ownerIdleMs = l.ownerIdleMs;
  }
}

/** A time the agent sent, if it is a plausible one (JS dates end at ±8.64e15 ms). */
const VM_STATES = new Set(['VM_STATE_PENDING', 'VM_STATE_CREATING', 'VM_STATE_RUNNING', 'VM_STATE_SUSPENDED', 'VM_STATE_STOPPED', 'VM_STATE_FAILED', 'VM_STATE_DESTROYED']);

const OWNER_STATES = new Set(['OWNER_STATE_UNSPECIFIED', 'OWNER_STATE_IDLE', 'OWNER_STATE_BUSY', 'OWNER_STATE_EVACUATE']);

/** Labels an agent sent, keeping only well-formed ones (the agent validates its flags too). */
function cleanLabels(l: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(l ?? {}).slice(0, 32)) {
    if (LABEL_KEY_RE.test(k) && typeof v === 'string' && v.length <= 63 && !/[\x00-\x1f]/.test(v)) out[k] = v;
  }
  return out;
}

function validTime(ms: number): number | undefined {
  return Number.isFinite(ms) && ms > 0 && ms < 8.64e15 ? ms : undefined;
}

function peerIp(peer: string): string {
  const m = /^(?:ipv4:|ipv6:)?\[?([^\]]+?)\]?:\d+$/.exec(peer);
  return m ? m[1]! : '';
}

