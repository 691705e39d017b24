import { resolve } from 'node:path';
import { parseDuration } from '../../common/validate.js';
import { createLogger, exitOnUncaught } from '../../common/logger.js';
import { DEFAULT_RETENTION } from '../events/log.js';
import { startController } from '../server.js';
import { DEFAULT_LIMITS } from '../rpc/handler.js';
import { DEFAULT_PLANNER_OPTIONS } from '../planner/planner.js';
import { levelErrorKind, levelReason } from '../../common/store/index.js';
import { parseMinFree } from '../storage/monitor.js';
import { StartupError } from '../storage/open.js';
import { refusalMessage } from '../storage/check.js';
import { parseUsageRetention } from '../usage/retention.js';
import { cronArg } from '../usage/jobs.js';
import { parseStoreUrl } from '../monitor/sink/url.js';

export interface ControllerFlags {
  listen: string;
  name?: string[];
  maxBeatsPerSec: string;
  minHeartbeat: string;
  maxHeartbeat: string;
  missedBeats: string;
  downAfter: string;
  eventRetention: string;
  eventMax: string;
  auditRetention: string;
  auditMax: string;
  recordRetention: string;
  peerRefusalLimit: string;
  refusalAuditWindow: string;
  maxWatches: string;
  maxWatchesPerToken: string;
  watchBuffer: string;
  logLevel: string;
  agentCertTtl: string;
  rateLimit: string;
  hostRateLimit: string;
  maxReconnectsPerSec: string;
  maxConnections: string;
  maxConnectionsPerIp: string;
  dataDir: string;
  insecure: boolean;
  usageExportDir?: string;
  usageExportSettle: string;
  strategy: 'binpack' | 'spread';
  overcommit: string;
  replaceAfter: string;
  maxPlacementAttempts: string;
  minFreeDisk: string;
  acceptStoreLoss?: boolean;
  metricsListen?: string;
  metricsPublic?: boolean;
  usageRetention?: string;
  usageRollupCron?: string;
  monitorStore?: string;
  reclassSchedule?: string;
  reclassWebhook?: string;
}

/** An http(s) URL (a webhook), refused naming its flag otherwise. */
function webhookArg(flag: string, v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error(`${flag} must be an http(s) URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${flag} must be an http(s) URL`);
  return u.toString();
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number`);
  return n;
}

function count(flag: string, v: string): number {
  const n = positive(flag, v);
  if (!Number.isInteger(n)) throw new Error(`${flag} must be a whole number`);
  return n;
}

/** `nephele controller`: runs until SIGINT/SIGTERM, then shuts down cleanly. */
export async function runController(f: ControllerFlags): Promise<void> {
  const log = createLogger('nephele-controller', { level: f.logLevel });
  exitOnUncaught('nephele-controller');
  const dataDir = resolve(f.dataDir);
  // Parsed before anything starts: a bad value is refused naming its flag.
  const usage = {
    retention: parseUsageRetention(f.usageRetention),
    rollupCron: cronArg('--usage-rollup-cron', f.usageRollupCron ?? '* * * * *'),
  };
  if (f.monitorStore) parseStoreUrl(f.monitorStore);
  const reclass = {
    schedule: f.reclassSchedule ? cronArg('--reclass-schedule', f.reclassSchedule) : undefined,
    webhook: f.reclassWebhook ? webhookArg('--reclass-webhook', f.reclassWebhook) : undefined,
  };
  const c = await startController({
    usage,
    dataDir,
    listen: f.listen,
    insecure: f.insecure,
    names: f.name ?? [],
    heartbeat: {
      maxBeatsPerSec: positive('--max-beats-per-sec', f.maxBeatsPerSec),
      minMs: parseDuration(f.minHeartbeat),
      maxMs: parseDuration(f.maxHeartbeat),
      missedBeats: positive('--missed-beats', f.missedBeats),
    },
    downAfterMs: parseDuration(f.downAfter),
    sweepMs: Math.min(1000, Math.max(50, parseDuration(f.minHeartbeat) / 4)),
    retention: {
      ...DEFAULT_RETENTION,
      maxAgeMs: parseDuration(f.eventRetention),
      maxCount: count('--event-max', f.eventMax),
      auditMaxAgeMs: parseDuration(f.auditRetention),
      auditMaxCount: count('--audit-max', f.auditMax),
    },
    recordRetentionMs: parseDuration(f.recordRetention),
    agentCertValidMs: parseDuration(f.agentCertTtl),
    limits: {
      ...DEFAULT_LIMITS,
      perToken: { perSec: positive('--rate-limit', f.rateLimit), burst: 2 * positive('--rate-limit', f.rateLimit) },
      perPeerRefused: {
        perSec: positive('--peer-refusal-limit', f.peerRefusalLimit),
        burst: 2.5 * positive('--peer-refusal-limit', f.peerRefusalLimit),
      },
      refusalAudit: {
        ...DEFAULT_LIMITS.refusalAudit,
        windowMs: positive('--refusal-audit-window', String(parseDuration(f.refusalAuditWindow))),
      },
      watches: {
        perToken: count('--max-watches-per-token', f.maxWatchesPerToken),
        total: count('--max-watches', f.maxWatches),
        buffer: count('--watch-buffer', f.watchBuffer),
      },
    },
    hostRate: {
      perSec: positive('--host-rate-limit', f.hostRateLimit),
      burst: 10 * positive('--host-rate-limit', f.hostRateLimit),
    },
    reconnectsPerSec: positive('--max-reconnects-per-sec', f.maxReconnectsPerSec),
    connections: {
      total: count('--max-connections', f.maxConnections),
      perAddress: count('--max-connections-per-ip', f.maxConnectionsPerIp),
    },
    planner: {
      ...DEFAULT_PLANNER_OPTIONS,
      strategy: f.strategy,
      overcommit: positive('--overcommit', f.overcommit),
      replaceAfterMs: parseDuration(f.replaceAfter),
      maxAttempts: Math.max(1, Math.floor(positive('--max-placement-attempts', f.maxPlacementAttempts))),
    },
    minFreeDisk: parseMinFree(f.minFreeDisk),
    acceptStoreLoss: !!f.acceptStoreLoss,
    metricsListen: f.metricsListen,
    metricsPublic: !!f.metricsPublic,
    usageExportDir: resolve(f.usageExportDir ?? `${dataDir}/exports`),
    usageExportSettleMs: parseDuration(f.usageExportSettle ?? '2m'),
    monitorStore: f.monitorStore || undefined,
    reclass,
    logger: log,
  }).catch((e: unknown) => {
    // Damage LevelDB did not see at open shows on the first read of it.
    if (levelErrorKind(e) === 'corrupt')
      throw new StartupError(refusalMessage(`the store at ${dataDir}/store is corrupt (${levelReason(e)})`, dataDir));
    throw e;
  });
  // Tests and scripts read this line to learn the port when --listen ends in :0: logged whatever --log-level says.
  log
    .child({}, { level: 'info' })
    .info({ port: c.port, address: c.address, metrics: c.metricsAddress }, 'nephele controller ready');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'controller stopping');
    await c.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await new Promise(() => {});
}
