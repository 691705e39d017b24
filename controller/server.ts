import { mkdirSync, existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { experimental } from '@grpc/grpc-js';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { LOADER_OPTIONS, loadNephele, reflectionDescriptors } from '../common/grpc/load.js';
import { reflectionRoot } from '../common/grpc/reflection.js';
import { rejectUndecodable, safeService } from '../common/grpc/decode.js';
import type { AgentServiceHandlers } from '../common/gen/nephele/v1/AgentService.js';
import type { VmServiceHandlers } from '../common/gen/nephele/v1/VmService.js';
import { usageHandlers } from './usage/service.js';
import { startUsageCapability } from './usage/wire.js';
import { identityOf } from './usage/push.js';
import { SERVER_OPTIONS } from '../common/grpc/options.js';
import { widenServerWindows } from '../common/grpc/flow.js';
import { capConnections, DEFAULT_CONNECTION_CAPS } from '../common/grpc/connections.js';
import type { Store } from '../common/store/index.js';
import { writeFileAtomic } from '../common/fs-atomic.js';
import { realClock } from '../common/clock.js';
import { createLogger } from '../common/logger.js';
import { loadOrCreatePki, type ControllerPki } from './auth/ca.js';
import { TokenStore } from './auth/tokens.js';
import { authHandlers } from './auth/service.js';
import { EventLog } from './events/log.js';
import { DEFAULT_RECORD_RETENTION_MS, RecordPurge } from './vms/purge.js';
import { eventHandlers } from './events/service.js';
import { HostRegistry } from './hosts/registry.js';
import { hostHandlers } from './hosts/service.js';
import { SessionManager } from './hosts/session.js';
import { enroll } from './hosts/enroll.js';
import { AgentAuth } from './hosts/agent-auth.js';
import { startTokenCapability } from './tokens/capability.js';
import { startMonitorCapability } from './monitor/capability.js';
import { startReclassCapability } from './reclass/capability.js';
import { startSchemesCapability } from './schemes/capability.js';
import { diskHandlers } from './hosts/disks.js';
import { ConsoleRelay } from './vms/console.js';
import { unaryRpc, RpcLayer } from './rpc/handler.js';
import { streamRpc } from './rpc/stream.js';
import { Tenants } from './tenancy/tenants.js';
import { VmRegistry } from './vms/registry.js';
import { vmHandlers } from './vms/service.js';
import { Planner, DEFAULT_PLANNER_OPTIONS } from './planner/planner.js';
import { SetScheduler } from './planner/scheduler.js';
import { setHandlers } from './planner/service.js';
import { DiskTransfers } from './vms/transfers.js';
import { AGENT_CERT_VALID_MS } from './hosts/enroll.js';
import { MIGRATIONS } from './migrations.js';
import { detachedClock } from './context.js';
import { openControllerStore, releasePidFile } from './storage/open.js';
import { SentinelKeeper } from './storage/sentinel.js';
import { StoreMonitor } from './storage/monitor.js';
import { ControllerMetrics } from './metrics/metrics.js';
import { parseMetricsListen } from '../common/metrics/listen.js';
import type { MetricsServer } from '../common/metrics/http.js';

import { DEFAULT_CONFIG, type ControllerConfig } from './config.js';
export { DEFAULT_CONFIG, type ControllerConfig };

export interface Controller {
  port: number;
  address: string;
  store: Store;
  events: EventLog;
  sessions: SessionManager;
  pki: ControllerPki;
  tokens: TokenStore;
  tenants: Tenants;
  planner: Planner;
  scheduler: SetScheduler;
  adminTokenFile: string;
  /** Where GET /metrics is served, when it is. */
  metricsAddress?: string;
  stop(): Promise<void>;
}

const HEALTH_SERVICES = [
  '',
  ...['Agent', 'Token', 'Host', 'Auth', 'Event', 'Vm', 'Usage', 'Monitor', 'Reclass', 'Scheme'].map(
    (s) => `nephele.v1.${s}Service`,
  ),
];

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/;

export function splitHostPort(addr: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(addr);
  if (!m) throw new Error(`listen address must be host:port, got ${JSON.stringify(addr)}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** A static certificate provider: grpc-js asks for a client certificate but lets Enroll through without one. */
function staticProvider(
  ca: string | null,
  cert?: { certPem: string; keyPem: string },
): experimental.CertificateProvider {
  return {
    // grpc-js registers its watcher only after adding our listener: answer on the next tick.
    addCaCertificateListener: (l) => ca && setImmediate(() => l({ caCertificate: Buffer.from(ca) })),
    removeCaCertificateListener: () => {},
    addIdentityCertificateListener: (l) =>
      cert && setImmediate(() => l({ certificate: Buffer.from(cert.certPem), privateKey: Buffer.from(cert.keyPem) })),
    removeIdentityCertificateListener: () => {},
  };
}

export async function startController(partial: Partial<ControllerConfig> = {}): Promise<Controller> {
  const cfg: ControllerConfig = { ...DEFAULT_CONFIG, ...partial };
  const log = cfg.logger ?? createLogger('nephele-controller');
  // Timers armed during a call (set starts, expiries, retries) fire outside it.
  const clock = detachedClock(cfg.clock ?? realClock);
  const { host: bindHost } = splitHostPort(cfg.listen);
  if (cfg.insecure && !LOOPBACK.test(bindHost)) {
    throw new Error('--insecure serves plain text and is allowed only on a loopback address (e.g. 127.0.0.1:7443)');
  }
  const metricsAt = parseMetricsListen(cfg.metricsListen, cfg.metricsPublic);
  mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });

  // Refuses (StartupError) a locked, full, corrupt or shrunken store before anything is written.
  const opened = await openControllerStore(cfg.dataDir, {
    acceptLoss: cfg.acceptStoreLoss,
    migrations: MIGRATIONS,
    log,
    purpose: 'controller',
    now: () => clock.now(),
  });
  const store = opened.store;
  const metrics = metricsAt && new ControllerMetrics(store, log); // before anything else writes
  await metrics?.load();
  const pki = await loadOrCreatePki(cfg.dataDir, cfg.names);
  const events = await EventLog.open(store, clock, log, cfg.retention);
  const tokens = new TokenStore(store, events, clock, cfg.dataDir, pki.caPin);
  const adminTokenFile = join(cfg.dataDir, 'admin.token');
  // Only a fresh install gets a bootstrap token, and admin.token is never replaced: an
  // accepted loss that took every token along keeps the old file beside the new one.
  if (opened.verdict === 'fresh' || (opened.verdict === 'accept' && !(await tokens.hasAny()))) {
    if (existsSync(adminTokenFile)) await rename(adminTokenFile, `${adminTokenFile}.before-store-loss-${clock.now()}`);
    const { secret } = await tokens.create({
      kind: 'api',
      ttlMs: 0,
      description: 'bootstrap admin',
      createdBy: 'controller',
      role: 'admin',
      tenant: '',
    });
    await writeFileAtomic(adminTokenFile, secret + '\n', { mode: 0o600, overwrite: false });
    log.info({ file: adminTokenFile }, 'bootstrap admin token written');
  }
  if (opened.verdict === 'accept') {
    await events.append({
      type: 'store.loss_accepted',
      severity: 'warning',
      audit: true,
      actor: 'controller',
      message: 'controller started on a store that lost data (--accept-store-loss)',
      attributes: {
        problem: opened.problem ?? '',
        store_seq: String(opened.storeSeq),
        sentinel_seq: String(opened.sentinelSeq ?? ''),
      },
    });
  }
  const sentinel = new SentinelKeeper(
    store,
    events,
    cfg.dataDir,
    { storeId: opened.storeId, initializedUnixMs: opened.initializedUnixMs },
    clock,
    log,
  );
  await sentinel.flush(true);
  sentinel.start();
  const hosts = new HostRegistry(store, events, clock);
  const sessions = new SessionManager(hosts, events, clock, log, {
    policy: cfg.heartbeat,
    downAfterMs: cfg.downAfterMs,
    replaceAfterMs: cfg.planner.replaceAfterMs,
    sweepMs: cfg.sweepMs,
    helloTimeoutMs: 15_000,
    ca: cfg.insecure ? undefined : pki.ca,
    certValidMs: cfg.agentCertValidMs ?? AGENT_CERT_VALID_MS,
    perHost: cfg.hostRate,
    connects: { perSec: 0.2, burst: 10 },
    reconnectsPerSec: cfg.reconnectsPerSec,
  });
  const tenants = new Tenants(store, events, clock);
  const vms = new VmRegistry(store, events, clock, tenants);
  sessions.attachVms(vms);
  const transfers = new DiskTransfers(store, clock, cfg.dataDir);
  const consoles = new ConsoleRelay({
    getVm: async (id, scope) => (await vms.get(id, scope)).vm,
    send: (hostId, m) => sessions.sendTo(hostId, m),
    log,
  });
  const planner = new Planner(
    store,
    events,
    clock,
    log,
    tenants,
    hosts,
    vms,
    (id) => sessions.pushDesired(id),
    { ...DEFAULT_PLANNER_OPTIONS, ...cfg.planner },
    transfers,
  );
  const alarm = () => (monitor.inAlarm() ? monitor.alarmError() : undefined);
  // Images, agent commands and management instances.
  const imaging = await startTokenCapability({
    dataDir: cfg.dataDir,
    store,
    events,
    clock,
    log,
    tenants,
    vms,
    hosts,
    sessions,
    planner,
    alarm,
  });
  const management = imaging.management;
  const sets = await planner.start();
  await imaging.recover();
  const scheduler = new SetScheduler(planner, store, clock, log);
  await sessions.start();
  await scheduler.start({ sets });
  const purge = new RecordPurge(store, clock, log, cfg.recordRetentionMs ?? DEFAULT_RECORD_RETENTION_MS);
  purge.start();
  events.startRetention();
  metrics?.attach(sessions, events);

  const layer = new RpcLayer({
    log,
    tokens,
    store,
    events,
    clock,
    limits: cfg.limits,
    agents: new AgentAuth(hosts, cfg.insecure),
    metrics,
  });
  const { pkg } = loadNephele();
  const v1 = pkg.nephele.v1;
  const server = new grpc.Server(SERVER_OPTIONS);
  const agentService: AgentServiceHandlers = {
    Enroll: unaryRpc(layer, 'AgentService.Enroll', async (req, ctx) =>
      enroll(req, ctx.peer, { pki, tokens, events, clock, certValidMs: cfg.agentCertValidMs }),
    ),
    Session: streamRpc(layer, 'AgentService.Session', (call, ctx) => sessions.handle(call, ctx)),
    ...diskHandlers(layer, {
      transfers,
      finishExport: (id) => planner.finishExport(id),
      alarm,
      log,
    }),
    PutConsole: streamRpc(layer, 'AgentService.PutConsole', (call, ctx) => consoles.receive(call, ctx.principal.id)),
    ...imaging.agentHandlers(layer),
  };
  server.addService(safeService(v1.AgentService.service), agentService);
  server.addService(
    safeService(v1.HostService.service),
    hostHandlers(layer, hosts, sessions.liveness, sessions, planner),
  );
  server.addService(safeService(v1.AuthService.service), authHandlers(layer, tokens, tenants));
  server.addService(safeService(v1.EventService.service), eventHandlers(layer, events));
  server.addService(safeService(v1.VmService.service), {
    ...vmHandlers(
      layer,
      vms,
      hosts,
      (id) => sessions.pushDesired(id),
      setHandlers(layer, planner, hosts, tenants, store, clock, management.resolveBase),
      async (o) => planner.createVm({ ...o, spec: await management.resolveVmSpec(o.spec, o.tenant) }),
      (id) => planner.fleet.slot(id)?.name ?? '',
    ),
    GetConsole: streamRpc(layer, 'VmService.GetConsole', (call, ctx) => consoles.serve(call, ctx.scope)),
    // Cold migration lives with the scheme abstraction (controller/schemes/migrate), started below.
    MigrateVm: (call, cb) => migrateVm(call, cb),
  } satisfies VmServiceHandlers);
  const usage = await startUsageCapability({
    store,
    events,
    clock,
    log,
    planner,
    tenants,
    pki,
    sourceId: opened.storeId.toLowerCase(),
    insecure: cfg.insecure,
    exportDir: cfg.usageExportDir ?? join(cfg.dataDir, 'exports'),
    exportSettleMs: cfg.usageExportSettleMs,
    usage: cfg.usage,
  });
  server.addService(safeService(v1.UsageService.service), usageHandlers(layer, usage.groups));
  server.addService(safeService(v1.TokenService.service), imaging.handlers(layer));
  const monitorDeps = { store, clock, log, events, planner, sessions, vms, management, cfg, metrics, imaging };
  const monitoring = await startMonitorCapability(monitorDeps);
  server.addService(safeService(v1.MonitorService.service), monitoring.handlers(layer));
  const reclass = await startReclassCapability({
    ...{ store, clock, log, events, planner, sessions, vms, tenants, usage },
    commands: management.commands,
    images: imaging.images,
    cfg: cfg.reclass ?? {},
    peerIdentity: identityOf(pki),
  });
  server.addService(safeService(v1.ReclassService.service), reclass.handlers(layer));
  const schemes = await startSchemesCapability({
    ...{ store, clock, log, events, planner, sessions, vms, tenants, transfers },
    commands: management.commands,
    images: imaging.images,
    dataDir: cfg.dataDir,
    alarm,
  });
  server.addService(safeService(v1.SchemeService.service), schemes.handlers(layer));
  const migrateVm = schemes.migrateVm(layer);
  const health = new HealthImplementation(Object.fromEntries(HEALTH_SERVICES.map((n) => [n, 'SERVING'])));
  // Its own handlers, our deserializers: undecodable bytes are INVALID_ARGUMENT as on every nephele.v1 method.
  health.addToServer({
    addService: (d: grpc.ServiceDefinition, impl: grpc.UntypedServiceImplementation) =>
      server.addService(safeService(d), rejectUndecodable(d, impl)),
  } as unknown as grpc.Server);
  const monitor = new StoreMonitor(store, events, clock, log, {
    dir: cfg.dataDir,
    minFree: cfg.minFreeDisk,
    everyMs: cfg.storeCheckMs,
    onServing: (serving) => {
      for (const name of HEALTH_SERVICES) health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
    },
  });
  await monitor.start();
  // Reflection describes every service we serve, health included, so grpcurl sees them all.
  new ReflectionService(
    reflectionRoot(reflectionDescriptors(), protoLoader.loadSync(healthProtoPath, LOADER_OPTIONS)),
  ).addToServer(server);

  const creds = cfg.insecure
    ? grpc.ServerCredentials.createInsecure()
    : // The CA rides along in the chain so agents can check it against the join token's pin.
      // Despite its parameter names, grpc-js takes the identity provider first.
      experimental.createCertificateProviderServerCredentials(
        staticProvider(null, {
          certPem: `${pki.server.certPem.trim()}\n${pki.ca.certPem.trim()}\n`,
          keyPem: pki.server.keyPem,
        }),
        staticProvider(pki.ca.certPem),
        false,
      );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(cfg.listen, creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  // Streamed images and disks would otherwise wait on a WINDOW_UPDATE every 32 KiB (common/grpc/flow.ts).
  if (!widenServerWindows(server)) log.warn({}, 'grpc server: receive windows left at the http2 defaults');
  // Refusals are logged at most every 10 s (a flood must not become a log flood); the metric counts each.
  let refusedSince = 0;
  let refusalLoggedAt = -Infinity;
  const connections = capConnections(server, cfg.connections ?? DEFAULT_CONNECTION_CAPS, (address, why) => {
    refusedSince++;
    const now = performance.now();
    if (now - refusalLoggedAt < 10_000) return;
    log.warn(
      { client_address: address, reason: why, refused: refusedSince },
      'grpc connections refused: over the connection cap',
    );
    refusedSince = 0;
    refusalLoggedAt = now;
  });
  if (!connections) log.warn({}, 'grpc server: connections left uncapped (no http2 server found)');
  else metrics?.attachConnections(connections);
  const address = `${bindHost === '0.0.0.0' || bindHost === '[::]' ? '127.0.0.1' : bindHost}:${port}`;
  // On a nearly full disk the controller still starts (in alarm); on a failed write it serves reads.
  await events
    .append({
      type: 'controller.started',
      message: 'controller started',
      attributes: { listen: `${bindHost}:${port}`, tls: String(!cfg.insecure) },
    })
    .catch((err) => log.warn({ err }, 'controller.started not recorded'));
  log.info({ listen: `${bindHost}:${port}`, tls: !cfg.insecure, data_dir: cfg.dataDir }, 'controller listening');

  let stopped = false;
  let metricsServer: MetricsServer | undefined;
  const controller: Controller = {
    port,
    address,
    store,
    events,
    sessions,
    pki,
    tokens,
    tenants,
    planner,
    scheduler,
    adminTokenFile,
    async stop() {
      if (stopped) return;
      stopped = true;
      await metricsServer?.close();
      scheduler.stop();
      await usage.stop();
      imaging.cycles.stop();
      await monitor.stop();
      health.setStatus('', 'NOT_SERVING');
      consoles.close();
      sessions.stop();
      await monitoring.stop();
      await reclass.stop();
      await schemes.stop();
      events.stop();
      purge.stop();
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          server.forceShutdown();
          r();
        }, 3000);
        server.tryShutdown(() => {
          clearTimeout(t);
          r();
        });
      });
      await layer.stop(); // the refusal counts still open become their aggregate audit events
      await sessions.flush();
      sentinel.stop();
      await sentinel.flush();
      await store.close();
      await releasePidFile(cfg.dataDir);
    },
  };
  if (metrics && metricsAt) {
    metricsServer = await metrics.serve(metricsAt).catch(async (e: unknown) => {
      await controller.stop();
      throw e;
    });
    controller.metricsAddress = metricsServer.address;
  }
  return controller;
}
