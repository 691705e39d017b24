import * as grpc from '@grpc/grpc-js';
import type { AgentMessage } from '../common/gen/nephele/v1/AgentMessage.js';
import type { ControllerMessage__Output as ControllerMessage } from '../common/gen/nephele/v1/ControllerMessage.js';
import type { ApplianceReport } from '../common/gen/nephele/v1/ApplianceReport.js';
import type { Inventory } from '../common/gen/nephele/v1/Inventory.js';
import type { AgentCommand__Output as AgentCommand } from '../common/gen/nephele/v1/AgentCommand.js';
import {
  desiredVmFromProto,
  HostKindEnum,
  OwnerStateEnum,
  statusReportToProto,
  type StatusReport,
} from '../common/grpc/convert.js';
import { v1 } from '../common/grpc/load.js';
import type { AgentServiceClient } from '../common/gen/nephele/v1/AgentService.js';
import { Backoff } from './backoff.js';
import type { ConsoleCall } from './console.js';
import { freeCapacity } from './inventory/capacity.js';
import { ControllerClock } from './timesync/controller-clock.js';
import { CHANNEL_OPTIONS, MAX_IN_FLIGHT, type SessionDeps } from './session/deps.js';
import { hostMetadata, Transfers } from './session/transfers.js';

export type { CertificateRenewal, SessionDeps } from './session/deps.js';

type Call = grpc.ClientDuplexStream<AgentMessage, ControllerMessage>;

/**
 * The agent's one long-lived Session stream: Hello, Inventory when its hash
 * changed, Heartbeats at the controller's interval, and buffered events until
 * acked. Reconnects forever with jittered exponential backoff.
 */
export class AgentSession {
  private client: AgentServiceClient;
  private credentials: grpc.ChannelCredentials;
  private call?: Call;
  private stopped = false;
  private readonly backoff = new Backoff();
  private inventory?: Inventory;
  private beat = 0;
  private intervalMs = 10_000;
  private lastAck = 0;
  private hbTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private invTimer?: NodeJS.Timeout;
  private connectedOnce?: () => void;
  readonly connected: Promise<void>;
  private welcomed = false;
  /** Sessions the controller welcomed since start (metrics: the ones after the first are reconnects). */
  established = 0;
  private renewing = false;
  private inventoryWanted = false; // the controller asked and we had none yet
  private durableSent = 0; // highest outbox seq written to the current stream
  /** Seqs written to the current stream and not acked yet: at most MAX_IN_FLIGHT (a days-long backlog is paced by acks). */
  private inFlight: number[] = [];
  private outboxReady = false; // the outbox was reconciled with this stream's Welcome
  private flushing?: Promise<void>;
  private flushAgain = false;
  /** The controller's time, learned from Welcome and heartbeat acks: what reports and usage are stamped with. */
  readonly time: ControllerClock;
  private helloSentAt = 0;
  private lastBeatSent = { beat: 0, at: 0 };
  private readonly transfers = new Transfers(
    () => this.client,
    () => hostMetadata(this.d),
  );

  constructor(private readonly d: SessionDeps) {
    this.time = new ControllerClock(d.localClock);
    this.credentials = d.credentials;
    this.client = new (v1().AgentService)(d.controller, d.credentials, CHANNEL_OPTIONS);
    this.connected = new Promise((r) => (this.connectedOnce = r));
  }

  /** Connects at once; the inventory (seconds to collect) follows when ready. */
  async start(): Promise<void> {
    this.connect();
    this.invTimer = setInterval(() => void this.refreshInventory(), this.d.inventoryIntervalMs);
    this.invTimer.unref();
    await this.refreshInventory();
  }

  /** A welcomed session is open now. */
  isConnected(): boolean {
    return this.welcomed && this.call !== undefined;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.invTimer);
    clearTimeout(this.retryTimer);
    clearInterval(this.hbTimer);
    this.call?.end();
    this.client.close();
  }

  /** Persists a VM state report and sends it now if connected; otherwise it waits in the outbox. */
  async reportVm(r: StatusReport): Promise<void> {
    // Stamped by the runner on the local clock: sent in the controller's time.
    const at = r.timeUnixMs === undefined ? this.time.now() : this.time.fromLocal(Number(r.timeUnixMs));
    await this.d.outbox.addVmStatus(
      statusReportToProto({ ...r, timeUnixMs: at, reason: String(r.reason ?? '').slice(0, 512) }),
    );
    await this.flush();
  }

  /** Sends what was appended to the outbox directly (usage batches), if connected; else it waits there. */
  flushOutbox(): Promise<void> {
    return this.flush();
  }

  /**
   * Sends what the outbox holds past what this stream has carried, in seq
   * order, in bounded batches. One flush at a time; a call during one makes it
   * go round again, so nothing appended meanwhile waits for the next connect.
   */
  private flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    const run = async () => {
      do {
        this.flushAgain = false;
        while (await this.sendBatch());
      } while (this.flushAgain);
    };
    this.flushing = run().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Writes the next batch of the outbox to the current stream; true when more may follow. */
  private async sendBatch(): Promise<boolean> {
    const BATCH = 256;
    const call = this.call;
    const room = Math.min(BATCH, MAX_IN_FLIGHT - this.inFlight.length);
    if (!call || !this.outboxReady || room <= 0) return false;
    const batch = await this.d.outbox.pendingMessages(this.durableSent, room);
    if (call !== this.call || !this.outboxReady) return false; // reconnected meanwhile: that stream's Welcome flushes
    for (const p of batch) {
      call.write(p.msg);
      this.durableSent = p.seq;
      this.inFlight.push(p.seq);
    }
    return batch.length === room;
  }

  /**
   * Sends an appliance report now, if connected; not kept otherwise: the
   * monitor's states are level and go again in full after a reconnect.
   */
  sendAppliance(appliance: ApplianceReport): boolean {
    if (!this.call || !this.welcomed) return false;
    this.call.write({ appliance });
    return true;
  }

  /** Sends a bus message now, if connected (not kept: see agent/bus/relay.ts). */
  sendBus(m: Pick<AgentMessage, 'busPublish' | 'busSubscription'>): boolean {
    // A VM publishing faster than the session drains is dropped, not buffered without bound.
    if (!this.call || !this.welcomed || this.call.writableLength > 1024) return false;
    this.call.write(m);
    return true;
  }

  /** Cold move, source side: streams a stopped VM's disk to the controller under a transfer id. */
  putDisk(transferId: string, path: string): Promise<void> {
    return this.transfers.putDisk(transferId, path);
  }

  /** Cold move, target side: downloads a moved disk to `dest`, checking its sha256. */
  getDisk(transferId: string, dest: string): Promise<void> {
    return this.transfers.getDisk(transferId, dest);
  }

  /** A capture's upload under its command's transfer id; resolves with what the controller stored. */
  putImage(transferId: string, path: string): Promise<{ sha256: string; sizeBytes: number }> {
    return this.transfers.putImage(transferId, path);
  }

  /** Downloads a base image by sha256 to `dest` (at most maxBytes), verified; resolves with its sha256. */
  fetchImage(sha256: string, dest: string, maxBytes: number): Promise<string> {
    return this.transfers.fetchImage(sha256, dest, maxBytes);
  }

  /**
   * Runs a management command; its answer goes on whatever stream is open when
   * it is done (answers are not durable: the controller retries by command id).
   */
  private command(cmd: AgentCommand): void {
    if (!this.d.onCommand) return;
    this.d
      .onCommand(cmd)
      .then((commandResult) => this.call?.write({ commandResult }))
      .catch((err) => this.d.log.error({ err, command_id: cmd.commandId }, 'command not answered'));
  }

  /** The call a console asked for by the controller goes back on (see agent/console.ts). */
  putConsole(): ConsoleCall {
    return this.transfers.putConsole();
  }

  /** Persists an event and sends it now if connected; otherwise it waits in the outbox. */
  async emit(type: string, message: string, attributes: Record<string, string> = {}, severity = 'info'): Promise<void> {
    // Within what the controller keeps (it cuts anything longer).
    const attrs = Object.fromEntries(
      Object.entries(attributes)
        .slice(0, 32)
        .map(([k, v]) => [k.slice(0, 64), String(v).slice(0, 256)]),
    );
    await this.d.outbox.add({
      type: type.slice(0, 64),
      message: message.slice(0, 1024),
      attributes: attrs,
      severity,
      timeUnixMs: this.time.now(),
    });
    await this.flush();
  }

  private connect(): void {
    if (this.stopped) return;
    const call = this.client.Session(hostMetadata(this.d)) as Call;
    this.call = call;
    this.welcomed = false;
    this.outboxReady = false;
    let done = false;
    const finish = (why: string, err?: grpc.ServiceError) => {
      if (done) return;
      done = true;
      this.renewing = false;
      clearInterval(this.hbTimer);
      if (this.call === call) this.call = undefined;
      if (this.stopped) return;
      const delay = this.backoff.next();
      this.d.log.warn(
        { reason: why, code: err ? grpc.status[err.code] : undefined, detail: err?.details, retry_in_ms: delay },
        'session lost; reconnecting',
      );
      // No connection at all: the channel now retries on grpc's own schedule; start the next attempt on a fresh one.
      const unreachable = !this.welcomed && err?.code === grpc.status.UNAVAILABLE;
      this.retryTimer = setTimeout(() => (unreachable ? this.reconnect() : this.connect()), delay);
      if (err?.code === grpc.status.UNAUTHENTICATED || err?.code === grpc.status.NOT_FOUND) {
        this.d.log.error(
          { detail: err.details },
          'controller refuses this agent; re-enrol with a new join token if this persists',
        );
      }
    };
    call.on(
      'data',
      (m: ControllerMessage) =>
        void this.onMessage(call, m).catch((e) => this.d.log.error({ err: e }, 'bad controller message')),
    );
    call.on('error', (e: grpc.ServiceError) => finish('error', e));
    call.on('end', () => finish('ended'));
    this.helloSentAt = this.time.localNow();
    call.write({
      hello: {
        agentVersion: this.d.agentVersion,
        kind: HostKindEnum.toProto(this.d.kind),
        hostname: this.d.hostname,
        schemes: this.d.schemes?.() ?? this.inventory?.schemes ?? [],
        inventoryHash: this.inventory?.hash ?? '',
        lastAckedSeq: 0,
        addresses: (this.inventory?.nics ?? []).flatMap((n) => n.addresses ?? []).slice(0, 16),
        labels: this.d.labels ?? {},
        owner: OwnerStateEnum.toProto(this.d.owner?.().state ?? 'none'),
        offersGuarantees: !!this.d.offersGuarantees,
        schemeInfo: this.d.schemeInfo?.() ?? [],
      },
    });
  }

  /**
   * The next attempt on a fresh channel: a channel that could not connect
   * keeps reconnecting on grpc's own schedule (barely jittered, alike across
   * the fleet) and fails our calls at once while it waits, so our jitter would
   * decide nothing. (After a session ends on a live connection, or after a
   * controller restart, the channel is idle and connects when we call.)
   */
  private reconnect(): void {
    this.client.close();
    this.client = new (v1().AgentService)(this.d.controller, this.credentials, CHANNEL_OPTIONS);
    this.connect();
  }

  private async onMessage(call: Call, m: ControllerMessage): Promise<void> {
    if (m.body === 'welcome' && m.welcome) {
      const w = m.welcome;
      this.time.learn(this.helloSentAt, w.serverTimeUnixMs, this.d.log);
      this.welcomed = true;
      this.established++;
      this.backoff.reset();
      this.backoff.setWindow(w.reconnectWindowMs);
      this.lastAck = Date.now();
      this.d.log.info(
        { interval_ms: w.heartbeatIntervalMs, reconnect_window_ms: w.reconnectWindowMs },
        'session established',
      );
      this.inventoryWanted = w.sendInventory;
      this.d.onReplaceWindow?.(Number(w.replaceWindowMs));
      if (w.sendInventory && this.inventory) {
        call.write({ inventory: { inventory: this.inventory } });
        this.inventoryWanted = false;
      }
      const rec = await this.d.outbox.reconcile(w.durableSeq, w.outboxEpochs ?? []);
      if (call !== this.call) return;
      this.durableSent = w.durableSeq;
      this.inFlight = [];
      this.outboxReady = true;
      await this.flush();
      this.schedule(call, w.heartbeatIntervalMs);
      this.d.onEstablished?.();
      if (rec.fastForwardedFrom !== undefined) {
        // The controller holds reports this agent no longer knows of: its state went back (a restored backup).
        const attrs = {
          from_seq: String(rec.fastForwardedFrom),
          to_seq: String(this.d.outbox.lastSeq()),
          controller_seq: String(w.durableSeq),
          renumbered: String(rec.renumbered),
          delivered: String(rec.delivered),
        };
        this.d.log.warn({ attributes: attrs }, 'outbox sequence was behind the controller; moved past it');
        await this.emit(
          'outbox_fast_forwarded',
          'agent outbox sequence moved past the controller: agent state went back (restored from a backup?)',
          attrs,
          'warning',
        );
      }
      this.connectedOnce?.();
    } else if (m.body === 'desiredState' && m.desiredState) {
      this.d.onDesired?.(m.desiredState.vms.map(desiredVmFromProto));
    } else if (m.body === 'command' && m.command) {
      this.command(m.command);
    } else if (m.body === 'busDeliver' && m.busDeliver) {
      this.d.onBusDeliver?.(m.busDeliver);
    } else if (m.body === 'consoleOpen' && m.consoleOpen) {
      this.d.onConsoleOpen?.(m.consoleOpen);
    } else if (m.body === 'certificate' && m.certificate && this.d.renewal) {
      // The current session goes on; the next connection uses the new certificate.
      this.credentials = this.d.renewal.install(m.certificate.certificatePem);
      this.client.close();
      this.client = new (v1().AgentService)(this.d.controller, this.credentials, CHANNEL_OPTIONS);
      this.renewing = false;
      this.d.log.info({ not_after: new Date(m.certificate.notAfterUnixMs).toISOString() }, 'certificate renewed');
      await this.emit('certificate_renewed', 'agent certificate renewed', {
        not_after: new Date(m.certificate.notAfterUnixMs).toISOString(),
      });
    } else if (m.body === 'ack' && m.ack) {
      this.lastAck = Date.now();
      if (m.ack.beat && m.ack.beat === this.lastBeatSent.beat)
        this.time.learn(this.lastBeatSent.at, m.ack.serverTimeUnixMs, this.d.log);
      // Only what this stream carried: an ack can never drop a report not sent yet.
      if (m.ack.durableSeq && this.outboxReady) {
        await this.d.outbox.ack(Math.min(m.ack.durableSeq, this.durableSent));
        const full = this.inFlight.length >= MAX_IN_FLIGHT;
        while (this.inFlight.length && this.inFlight[0]! <= m.ack.durableSeq) this.inFlight.shift();
        if (full && this.inFlight.length < MAX_IN_FLIGHT) void this.flush();
      }
      if (m.ack.heartbeatIntervalMs && m.ack.heartbeatIntervalMs !== this.intervalMs)
        this.schedule(call, m.ack.heartbeatIntervalMs);
      if (m.ack.reconnectWindowMs) {
        this.backoff.setWindow(m.ack.reconnectWindowMs);
        this.d.log.debug({ reconnect_window_ms: m.ack.reconnectWindowMs }, 'reconnect window changed');
      }
    }
  }

  private schedule(call: Call, intervalMs: number): void {
    this.intervalMs = Math.max(100, intervalMs);
    clearInterval(this.hbTimer);
    this.hbTimer = setInterval(() => {
      // No ack for three intervals: the connection is half-open; start over.
      if (Date.now() - this.lastAck > this.intervalMs * 3) {
        this.d.log.warn({ silent_ms: Date.now() - this.lastAck }, 'controller silent; reconnecting');
        call.cancel();
        return;
      }
      this.sendHeartbeat(call);
    }, this.intervalMs);
    this.hbTimer.unref?.();
    this.sendHeartbeat(call);
  }

  private maybeRenew(call: Call): void {
    const r = this.d.renewal;
    if (!r || this.renewing || Date.now() < r.renewAt()) return;
    this.renewing = true;
    r.request()
      .then((csrPem) => call.write({ renew: { csrPem } }))
      .catch((err) => {
        this.renewing = false;
        this.d.log.warn({ err }, 'certificate renewal request failed');
      });
  }

  /**
   * The owner state changed: beat now rather than up to an interval later, so
   * the controller stops placing here (or evacuates) at once. Heartbeats are
   * level-triggered, so an extra one is harmless.
   */
  ownerChanged(): void {
    if (this.call && this.welcomed) this.sendHeartbeat(this.call);
  }

  private sendHeartbeat(call: Call): void {
    this.maybeRenew(call);
    const { load, memAvailableBytes } = this.d.collector.sample();
    const guest = this.inventory?.guest ?? { vcpus: 0, memoryBytes: 0, diskBytes: 0 };
    const free = freeCapacity(
      guest,
      this.d.allocated?.() ?? { vcpus: 0, memoryBytes: 0, diskBytes: 0 },
      memAvailableBytes,
      this.d.reserve.memoryBytes,
    );
    const owner = this.d.owner?.();
    this.lastBeatSent = { beat: this.beat + 1, at: this.time.localNow() };
    call.write({ heartbeat: { beat: ++this.beat, load, free, owner: OwnerStateEnum.toProto(owner?.state ?? 'none') } });
  }

  private async refreshInventory(): Promise<void> {
    try {
      const inv = await this.d.collector.collect();
      if (inv.hash === this.inventory?.hash) return;
      const first = !this.inventory;
      this.inventory = inv;
      if (this.call && this.welcomed && (this.inventoryWanted || !first)) {
        this.call.write({ inventory: { inventory: inv } });
        this.inventoryWanted = false;
      }
      // Free capacity derives from the inventory: report it now, not a beat later.
      if (this.call && this.welcomed) this.sendHeartbeat(this.call);
      if (first) return;
      this.d.log.info({ hash: inv.hash }, 'inventory changed');
      await this.emit('inventory_changed', 'host inventory changed', { hash: String(inv.hash) });
    } catch (err) {
      this.d.log.warn({ err }, 'inventory refresh failed');
    }
  }
}
