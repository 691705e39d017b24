// The usage capability assembled: records and rollups (startUsage), federation
// (peers, pushes, imports, backup plans) and scheduled exports, with the handler
// groups of UsageService. server.ts calls startUsageCapability once and stops it.
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { ControllerPki } from '../auth/ca.js';
import type { EventLog } from '../events/log.js';
import type { Planner } from '../planner/planner.js';
import type { Tenants } from '../tenancy/tenants.js';
import { BackupPlanner } from './backup-plan.js';
import type { ExportSources } from './export/pipeline.js';
import { DEFAULT_RUNNER, ScheduleRunner } from './export/runner.js';
import { UsageImporter } from './import.js';
import { startUsage, type Usage, type UsageConfig } from './index.js';
import { PeerStore } from './peers.js';
import { identityOf, Pusher } from './push.js';
import { ExportSchedules } from './schedules.js';
import type { ExportDeps } from './service-export.js';
import type { PeerDeps } from './service-peers.js';

export interface UsageCapabilityDeps {
  store: Store;
  events: EventLog;
  clock: Clock;
  log: Logger;
  planner: Planner;
  tenants: Tenants;
  pki: ControllerPki;
  /** This controller's id as a source of pushed usage (its store id). */
  sourceId: string;
  /** Plain-text dev mode: imports cannot pin a client certificate. */
  insecure: boolean;
  exportDir: string;
  exportSettleMs?: number;
  usage?: Partial<UsageConfig>;
}

export interface UsageCapability {
  groups: { query: Usage; export: ExportDeps; peers: PeerDeps };
  stop(): Promise<void>;
}

export async function startUsageCapability(d: UsageCapabilityDeps): Promise<UsageCapability> {
  const { store, events, clock, log } = d;
  // Records, rollups (a cron job), retention, rate cards.
  const usage = startUsage({ store, events, clock, log }, d.usage);
  // Federation: this controller's certificate is its client identity to peers, and
  // `pusher.pushToPeer(peer, filter)` is also the scheduled exports' peer destination.
  const peers = new PeerStore(store, events, clock);
  const pusher = new Pusher({
    store,
    peers,
    clock,
    log,
    sourceId: d.sourceId,
    identity: identityOf(d.pki),
  });
  const peerDeps: PeerDeps = {
    peers,
    pusher,
    importer: new UsageImporter(store, events, clock, !d.insecure),
    backups: new BackupPlanner(store, events, d.planner, d.tenants, clock),
  };
  // Exports and their schedules: priced by the rate cards, hour/day rows from the rollups.
  const sources: ExportSources = {
    store,
    getRateCard: (v) => usage.rates.find(v),
    rows: (f, g) => usage.rows(f, g),
  };
  const schedules = new ExportSchedules(store, events);
  const runner = new ScheduleRunner(
    schedules,
    sources,
    clock,
    log.child({ part: 'usage-export' }),
    { ...DEFAULT_RUNNER, exportDir: d.exportDir, settleMs: d.exportSettleMs ?? DEFAULT_RUNNER.settleMs },
    async (peer, filter) => ({ records: (await pusher.pushToPeer(peer, filter)).sent }),
  );
  await runner.start();
  return {
    groups: { query: usage, export: { sources, schedules, runner, clock, log }, peers: peerDeps },
    async stop() {
      await runner.stop();
      await usage.stop();
    },
  };
}
