// The controller's Prometheus metrics, in a registry of its own. Hooks: every
// finished RPC (the RPC layer's settle), every committed store batch (latency,
// and the VM records that feed the VM tally); everything else is read on scrape
// from figures the capabilities keep. Labels are closed lists (method, code,
// state, scheme): never a VM, host or tenant id.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { LevelStore, Op } from '../../common/store/index.js';
import type { Logger } from '../../common/logger.js';
import { counterFrom, gaugeFrom, LATENCY_BUCKETS, newRegistry, PREFIX } from '../../common/metrics/registry.js';
import { serveMetrics, type MetricsServer } from '../../common/metrics/http.js';
import type { MetricsListen } from '../../common/metrics/listen.js';
import type { EventLog } from '../events/log.js';
import type { SessionManager } from '../hosts/session.js';
import { VMS, type VmRecord } from '../vms/registry.js';
import { VmTally } from './vm-tally.js';
import type { ConnectionCounter, ConnectionRefusal } from '../../common/grpc/connections.js';

export class ControllerMetrics {
  readonly registry: Registry = newRegistry();
  readonly tally = new VmTally();
  private readonly rpcs: Counter<'method' | 'code'>;
  private readonly rpcSeconds: Histogram<'method'>;
  private readonly storeWrites: Histogram;

  /** Watches the store from here on: made right after it opens, before anything else writes. */
  constructor(
    private readonly store: LevelStore,
    private readonly log: Logger,
  ) {
    const r = this.registry;
    this.rpcs = new Counter({
      name: `${PREFIX}rpc_handled_total`,
      help: 'RPCs finished, by method (Service.Method) and gRPC code',
      labelNames: ['method', 'code'],
      registers: [r],
    });
    this.rpcSeconds = new Histogram({
      name: `${PREFIX}rpc_duration_seconds`,
      help: 'RPC latency by method (streams: their whole life)',
      labelNames: ['method'],
      buckets: LATENCY_BUCKETS,
      registers: [r],
    });
    this.storeWrites = new Histogram({
      name: `${PREFIX}store_write_duration_seconds`,
      help: 'store batch commit latency, waiting for the write lock included',
      buckets: LATENCY_BUCKETS,
      registers: [r],
    });
    store.observeWrites((ops, seconds) => this.written(ops, seconds));
    gaugeFrom(r, 'vms', 'VMs by observed state (destroyed ones not counted)', () => this.tally.states(), ['state']);
    gaugeFrom(r, 'vms_by_scheme', 'VMs not destroyed, by scheme', () => this.tally.schemes(), ['scheme']);
    gaugeFrom(r, 'vms_unplaced', 'VMs waiting for a host', () => this.tally.unplaced());
    counterFrom(
      r,
      'placements_total',
      'VMs assigned to a host (first placements, re-placements, moves)',
      () => this.tally.placements,
    );
  }

  /** Reads the VM records stored at start, once (scrapes never scan). */
  async load(): Promise<void> {
    for await (const { key, value } of this.store.scan<VmRecord>(VMS)) this.tally.load(key, value);
    this.tally.loaded();
  }

  /** The gRPC port's open connections and the ones refused over its caps (common/grpc/connections.ts). */
  attachConnections(c: ConnectionCounter): void {
    const r = this.registry;
    gaugeFrom(r, 'grpc_connections_open', 'TCP connections open to the gRPC port', () => c.open);
    counterFrom(
      r,
      'grpc_connections_refused_total',
      'TCP connections closed on arrival, by the cap they were over (total, per_address)',
      () => (Object.keys(c.refused) as ConnectionRefusal[]).map((reason) => [{ reason }, c.refused[reason]]),
      ['reason'],
    );
  }

  /** The figures read on scrape, once the capabilities exist. */
  attach(sessions: SessionManager, events: EventLog): void {
    const r = this.registry;
    gaugeFrom(r, 'agent_sessions_open', 'agent sessions connected now', () => sessions.sessions.size);
    counterFrom(r, 'heartbeats_received_total', 'agent heartbeats received', () => sessions.heartbeats);
    gaugeFrom(r, 'event_log_last_seq', 'sequence number of the newest event written', () => events.lastSeq());
    counterFrom(r, 'events_appended_total', 'events written to the event log', () => events.stats.appended);
    counterFrom(
      r,
      'event_log_write_errors_total',
      'event log commits the store failed',
      () => events.stats.writeErrors,
    );
    counterFrom(r, 'usage_records_stored_total', 'usage records stored from agents', () => sessions.usage.records);
    counterFrom(
      r,
      'usage_records_overlapping_total',
      'usage records dropped for overlapping an interval their host already reported for the VM',
      () => sessions.usage.overlapping,
    );
    counterFrom(
      r,
      'usage_batches_refused_total',
      'usage batches refused (kept aside in usage-refused when they had a seq)',
      () => sessions.usage.refused,
    );
    gaugeFrom(r, 'watch_subscribers', 'open WatchEvents streams', () => events.subscribers());
    gaugeFrom(r, 'watch_buffered_events', 'events waiting in watch buffers for slow clients', () => events.buffered());
  }

  rpcDone(rpc: string, code: string, seconds: number): void {
    this.rpcs.inc({ method: rpc, code });
    this.rpcSeconds.observe({ method: rpc }, seconds);
  }

  private written(ops: readonly Op[], seconds: number): void {
    // The batch is committed: nothing here may fail it.
    try {
      this.storeWrites.observe(seconds);
      this.tally.committed(ops);
    } catch (err) {
      this.log.error({ err }, 'metrics: store write not counted');
    }
  }

  serve(at: MetricsListen): Promise<MetricsServer> {
    return serveMetrics(this.registry, at, this.log);
  }
}
