// The controller's configuration (what `nephele controller` flags become) and its defaults.
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { MinFree } from './storage/monitor.js';
import type { ReclassConfig } from './reclass/deps.js';
import type { UsageConfig } from './usage/index.js';
import type { RateLimit } from './rpc/ratelimit.js';
import { DEFAULT_CONNECTION_CAPS, type ConnectionCaps } from '../common/grpc/connections.js';
import { DEFAULT_HEARTBEAT, type HeartbeatPolicy } from './hosts/heartbeat.js';
import { DEFAULT_LIMITS, type RpcLimits } from './rpc/handler.js';
import { DEFAULT_RETENTION, type Retention } from './events/log.js';
import { DEFAULT_PLANNER_OPTIONS, type PlannerOptions } from './planner/planner.js';

export interface ControllerConfig {
  dataDir: string;
  listen: string; // host:port; port 0 picks a free one
  insecure: boolean;
  /** Extra DNS names / IPs for the server certificate. */
  names: string[];
  heartbeat: HeartbeatPolicy;
  downAfterMs: number;
  sweepMs: number;
  retention: Retention;
  /** Destroyed VMs and retired sets are deleted this long after they ended (controller/vms/purge.ts). */
  recordRetentionMs?: number;
  agentCertValidMs?: number;
  limits: RpcLimits;
  /** TCP connections the gRPC port holds at once, in all and per client address (common/grpc/connections.ts). */
  connections?: ConnectionCaps;
  /** Per-host session messages per second. */
  hostRate: RateLimit;
  /** New sessions per second that agents spread their reconnects for (a restart is no storm). */
  reconnectsPerSec: number;
  planner: PlannerOptions;
  /** Free space under the data dir below which the store space alarm is raised. */
  minFreeDisk: MinFree;
  /** How often free space is probed (and a failed store reopened). */
  storeCheckMs: number;
  /** Start on a store that is behind its sentinel (or corrupt: repaired first) instead of refusing. */
  acceptStoreLoss: boolean;
  /** host:port for GET /metrics (Prometheus); off when unset. Loopback only unless metricsPublic. */
  metricsListen?: string;
  metricsPublic?: boolean;
  /** Directory destinations of export schedules live under this (default <data-dir>/exports). */
  usageExportDir?: string;
  /** Scheduled exports stop this far before now (late batches); default 2 min. */
  usageExportSettleMs?: number;
  /** Usage retention per level and the rollup schedule (controller/usage). */
  usage?: Partial<UsageConfig>;
  /** External appliance store (--monitor-store): postgres://… or jsonl:<dir>; unset = none (controller/monitor/sink). */
  monitorStore?: string;
  /** Reclassification's schedule and webhook (--reclass-schedule, --reclass-webhook; controller/reclass). */
  reclass?: ReclassConfig;
  logger?: Logger;
  clock?: Clock;
}

export const DEFAULT_CONFIG: ControllerConfig = {
  dataDir: '.nephele',
  listen: '0.0.0.0:7443',
  insecure: false,
  names: [],
  heartbeat: DEFAULT_HEARTBEAT,
  downAfterMs: 5 * 60_000,
  sweepMs: 1000,
  retention: DEFAULT_RETENTION,
  limits: DEFAULT_LIMITS,
  connections: DEFAULT_CONNECTION_CAPS,
  hostRate: { perSec: 200, burst: 2000 },
  reconnectsPerSec: 200,
  planner: DEFAULT_PLANNER_OPTIONS,
  minFreeDisk: { bytes: 2 ** 30 },
  storeCheckMs: 1000,
  acceptStoreLoss: false,
};
