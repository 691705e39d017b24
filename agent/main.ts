#!/usr/bin/env node
import '../common/quiet.js';
import { join, resolve } from 'node:path';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { flattenDisk } from './drivers/qemu/disk.js';
import { createLogger, exitOnUncaught } from '../common/logger.js';
import { LevelStore } from '../common/store/index.js';
import { parseDuration } from '../common/validate.js';
import { AgentFiles } from './state.js';
import { enrollAgent, EnrollError } from './enroll.js';
import { Outbox } from './outbox.js';
import { ConsoleServer } from './console.js';
import { AgentSession } from './session.js';
import { InventoryCollector } from './inventory/collect.js';
import { AGENT_VERSION } from './version.js';
import { versionLine } from '../common/version.js';
import { FileRenewal } from './renewal.js';
import { loadDrivers } from './drivers/index.js';
import { Runner } from './runner/runner.js';
import { UsageMeter } from './usage/meter.js';
import { realClock } from '../common/clock.js';
import { ApplianceMonitor } from './monitor/monitor.js';
import { desiredSpecs } from './monitor/spec.js';
import { reportToProto } from './monitor/wire.js';
import { keepControllerClock } from './timesync/persist.js';
import { Fence } from './fence/fence.js';
// The owner policy's modules load only on ad-hoc hosts (a dedicated agent stays small).
import type { OwnerMonitor, OwnerChange } from './adhoc/monitor.js';
import { AgentMetrics } from './metrics.js';
import { agentFlags, program } from './cli/program.js';
import { ImageCache } from './images/cache.js';
import { CommandDispatcher } from './commands/dispatch.js';
import { sweepCaptures } from './commands/ops.js';
import { startControl } from './local/control.js';
import { BusRelay } from './bus/relay.js';
import { execMain } from './local/exec-cli.js';

// Read lazily: only --version pays for asking git which commit this is.
program.on('option:version', () => {
  process.stdout.write(`nephele-agent ${versionLine()}\n`);
  process.exit(0);
});

async function main(): Promise<void> {
  const f = agentFlags();
  const { o, kind, reserve, labels, guestVcpus, owner, fenceAfterMs, usageIntervalMs, metricsAt } = f;
  const { processUids, stopVmsOnExit, adhoc, imageCacheBytes } = f;
  const log = createLogger('nephele-agent', { level: o.logLevel });
  exitOnUncaught('nephele-agent');
  const files = new AgentFiles(resolve(o.dataDir));
  // A dedicated host gives guarantees by definition; the flag only means something on ad-hoc hosts.
  if (o.offerGuarantees && !adhoc)
    log.warn({ kind: o.kind }, '--offer-guarantees applies only to --kind adhoc; ignored');

  // Signals are caught from here on. Until the agent runs (its VMs re-attached),
  // one is kept and acted on once it does: an early stop must not leave the VMs
  // behind. While enrolling there are no VMs yet: it exits at once.
  let onSignal: (sig: string, stopVms: boolean) => void = (sig) => {
    log.info({ signal: sig }, 'agent stopping before it enrolled');
    process.exit(0);
  };
  let early: [string, boolean] | undefined;
  process.on('SIGINT', () => onSignal('SIGINT', stopVmsOnExit));
  process.on('SIGTERM', () => onSignal('SIGTERM', stopVmsOnExit));
  process.on('SIGUSR2', () => onSignal('SIGUSR2', true));

  let identity = files.identity();
  if (!identity || (!o.insecure && !files.credentials())) {
    if (!o.joinToken)
      throw new EnrollError('not enrolled yet: pass --join-token (make one with `nephele token create --join`)');
    const res = await enrollAgent(files, {
      controller: o.controller,
      joinToken: o.joinToken,
      hostname: o.name,
      kind,
      agentVersion: AGENT_VERSION,
      insecure: !!o.insecure,
      caPem: o.caFile ? readFileSync(o.caFile, 'utf8') : undefined,
    });
    log.info(
      { host_id: res.hostId, cert_not_after: new Date(Number(res.certificateNotAfterUnixMs)).toISOString() },
      'enrolled',
    );
    identity = files.identity()!;
  }

  onSignal = (sig, stopVms) => {
    if (!early?.[1]) early = [sig, stopVms]; // a stop for good wins over a plain stop
  };
  const creds = o.insecure
    ? grpc.credentials.createInsecure()
    : (() => {
        const c = files.credentials()!;
        return grpc.credentials.createSsl(Buffer.from(c.caPem), Buffer.from(c.keyPem), Buffer.from(c.certPem));
      })();
  // Bound before the fence and the VMs: an address in use stops the agent before it touches them.
  const metrics = metricsAt && new AgentMetrics(log);
  const metricsServer = metrics && metricsAt ? await metrics.serve(metricsAt) : undefined;
  const store = await LevelStore.open(join(files.dir, 'state'));
  const outbox = await Outbox.open(store);
  // Before any VM is recovered: a fresh lease first, so a watcher left by the previous agent never fires meanwhile.
  const fence = new Fence({
    dir: join(files.dir, 'fence'),
    fenceAfterMs,
    log: log.child({ host_id: identity.hostId }),
  });
  fence.start();
  const { drivers: found, fingerprints } = await loadDrivers({
    fence,
    dataDir: files.dir,
    processUids,
    imageRoot: resolve(o.imageDir ?? join(files.dir, 'images')),
    ...(o.libvirtUri ? { libvirtUri: String(o.libvirtUri) } : {}),
    schemes: o.schemes
      ? String(o.schemes)
          .split(',')
          .map((x: string) => x.trim())
          .filter(Boolean)
      : undefined,
    log,
  });
  const drivers = metrics ? metrics.drivers(found) : found;
  // Made below (they depend on each other through these closures).
  let session: AgentSession | undefined;
  let monitor: OwnerMonitor | undefined;
  const collector = new InventoryCollector({
    reserve,
    schemes: drivers.map((d) => d.scheme),
    qemu: fingerprints.find((f) => f.scheme === 'qemu' && f.healthy),
    ...(guestVcpus !== undefined ? { guestVcpus } : {}),
    ...(adhoc ? { owner: () => monitor!.current() } : {}),
  });
  const transferDir = join(files.dir, 'transfers');
  // Bases of linked clones, by sha256, in a directory of their own (shipped images live under --image-dir).
  const images = new ImageCache({
    dir: join(files.dir, 'image-cache'),
    maxBytes: imageCacheBytes,
    fetch: (sha, dest, max) => session!.fetchImage(sha, dest, max),
    inUse: (): Set<string> => runner.baseShas(),
    log: log.child({ host_id: identity.hostId }),
  });
  images.init();
  const runner = new Runner({
    drivers,
    store,
    log: log.child({ host_id: identity.hostId }),
    report: (r) => {
      if (r.vmId) appliances.statusChanged(r.vmId);
      return session!.reportVm(r);
    },
    fenced: (id) => fence.takeFenced(id),
    // Cold moves go through the controller: agents only ever dial it.
    exportDisk: async (id, path, flat) => {
      if (!flat) return session!.putDisk(id, path);
      mkdirSync(transferDir, { recursive: true, mode: 0o700 });
      const copy = join(transferDir, `${id}.export.qcow2`);
      try {
        await flattenDisk('qemu-img', path, copy);
        await session!.putDisk(id, copy);
      } finally {
        rmSync(copy, { force: true });
      }
    },
    importDisk: async (id) => {
      mkdirSync(transferDir, { recursive: true, mode: 0o700 });
      const dest = join(transferDir, `${id}.qcow2`);
      await session!.getDisk(id, dest);
      return dest;
    },
    ensureBase: (ref): Promise<string> => images.ensure(ref),
  });
  const appliances = new ApplianceMonitor({
    // States are stamped in the controller's time once the session knows it.
    clock: { ...realClock, now: () => session?.time.now() ?? realClock.now() },
    log: log.child({ host_id: identity.hostId }),
    vm: (id) => runner.monitorVm(id),
    send: (r) => void session?.sendAppliance(reportToProto(r)),
    drivers,
  });
  const captureDir = join(files.dir, 'captures');
  sweepCaptures(captureDir);
  const commands = new CommandDispatcher({
    vm: (id) => runner.commandVm(id),
    withVm: (id, fn) => runner.withVm(id, fn),
    upload: (transferId, path) => session!.putImage(transferId, path),
    poll: (id) => appliances.pollNow(id),
    captureDir,
    log: log.child({ host_id: identity.hostId }),
  });
  const consoles = new ConsoleServer({
    open: () => session!.putConsole(),
    pathOf: (id) => runner.consolePath(id),
    log: log.child({ host_id: identity.hostId }),
  });
  // `nephele-agent exec VM -- argv` on this host (agent/local/control.ts).
  const control = await startControl(files.dir, (id) => runner.monitorVm(id), log);
  const bus = new BusRelay(
    (m) => session?.sendBus(m) ?? false,
    (id) => runner.monitorVm(id)?.driver,
    log,
  );
  bus.attach(drivers);
  session = new AgentSession({
    controller: o.controller,
    hostId: identity.hostId,
    credentials: creds,
    insecure: !!o.insecure,
    outbox,
    collector,
    reserve,
    log: log.child({ host_id: identity.hostId }),
    agentVersion: AGENT_VERSION,
    kind,
    hostname: o.name,
    inventoryIntervalMs: parseDuration(o.inventoryInterval),
    renewal: o.insecure || o.renew === false ? undefined : new FileRenewal(files),
    allocated: () => runner.allocated(),
    onDesired: (vms) => {
      runner.apply(vms);
      appliances.setSpecs(desiredSpecs(vms));
    },
    onEstablished: () => (appliances.resendAll(), bus.established()),
    onBusDeliver: (m) => bus.deliver(m),
    onConsoleOpen: (c) => void consoles.serve(c),
    onCommand: (c) => commands.handle(c),
    onReplaceWindow: (ms) => fence.setReplaceWindow(ms),
    schemes: () => runner.schemes(),
    // What the planner needs to know about each scheme (process: whether it isolates tasks).
    schemeInfo: () =>
      fingerprints.filter((f) => f.healthy).map((f) => ({ scheme: f.scheme, attributes: f.attributes })),
    labels,
    offersGuarantees: adhoc && !!o.offerGuarantees,
    ...(adhoc ? { owner: () => monitor!.current() } : {}),
  });
  metrics?.attach({
    phases: () => runner.phases(),
    connected: () => session!.isConnected(),
    established: () => session!.established,
    outboxDepth: () => outbox.depth(),
    usageDropped: () => outbox.usageDropped,
    imageCacheBytes: () => images.usedBytes(),
    commandsPending: () => commands.pending,
  });
  await runner.start();
  await session.emit('started', 'agent started', {
    version: AGENT_VERSION,
    pid: String(process.pid),
    schemes: runner.schemes().join(','),
  });
  if (adhoc) {
    const hostLog = log.child({ host_id: identity.hostId });
    const onChange = (c: OwnerChange) => {
      hostLog[c.phase === 'evacuate' ? 'warn' : 'info'](
        {
          owner: c.phase,
          from: c.from ?? null,
          reason: c.reason,
          cpu_pct: round(c.cpuPct),
          idle_ms: c.idleMs ?? null,
          top_pid: c.top?.pid,
        },
        'owner state',
      );
      runner.setOwner(c.state);
      session!.ownerChanged();
      const attrs: Record<string, string> = {
        cpu_pct: String(round(c.cpuPct)),
        idle_ms: c.idleMs === undefined ? 'unknown' : String(c.idleMs),
        reason: c.reason,
      };
      if (c.from) attrs.from = c.from;
      else attrs.initial = 'true';
      void session!
        .emit(`owner.${c.phase}`, `host owner is ${c.phase}`, attrs, c.phase === 'evacuate' ? 'warning' : 'info')
        .catch((err) => hostLog.warn({ err }, 'owner event not stored'));
    };
    const [{ OwnerMonitor }, { OwnerPolicy }, { OwnerCpuProbe }, { InputIdleProbe }] = await Promise.all([
      import('./adhoc/monitor.js'),
      import('./adhoc/policy.js'),
      import('./adhoc/cpu.js'),
      import('./adhoc/idle.js'),
    ]);
    monitor = new OwnerMonitor({
      policy: new OwnerPolicy(owner.policy),
      // Guests and the agent (with its helpers) are not the owner.
      cpu: new OwnerCpuProbe({ exclude: () => [process.pid, ...runner.guestPids()] }),
      idle: new InputIdleProbe(owner.devices ? { devices: owner.devices } : {}),
      pollMs: owner.pollMs,
      log: hostLog,
      onChange,
    });
    // Before the session starts, so Hello already carries the owner state.
    monitor.start();
  }
  await keepControllerClock(store, session.time, log);
  await session.start();
  const meter = new UsageMeter({
    store,
    outbox,
    vms: () => runner.metered(),
    flush: () => session!.flushOutbox(),
    intervalMs: usageIntervalMs,
    log: log.child({ host_id: identity.hostId }),
    // Intervals in the controller's time, once it is known: a skewed host clock must not misdate (or lose) usage.
    clock: session.time,
    ready: () => session!.time.synced(),
    monitorUsage: (id) => appliances.takeUsage(id),
  });
  await meter.start();
  log.info({ host_id: identity.hostId, controller: o.controller, data_dir: files.dir }, 'agent running');

  let stopping = false;
  // SIGTERM/SIGINT: a restart or upgrade keeps the VMs (unless --stop-vms-on-exit);
  // SIGUSR2: stopped for good (the systemd unit's ExecStop on `systemctl stop`).
  const shutdown = async (sig: string, stopVms: boolean) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal: sig, stop_vms: stopVms }, 'agent stopping');
    if (stopVms) {
      // While the session is up, so the controller hears of it (the outbox keeps what it does not).
      const n = await runner.stopAll('stopped: its host agent was stopped');
      log.info({ vms: n }, 'vms stopped with the agent');
      // Every VM stopped: the fence watcher has nothing left to guard.
      if (!fence.endIfIdle())
        log.warn({ vms: fence.guarded().length }, 'some vms could not be stopped: the fence watcher stays');
    }
    // A deliberate stop (restart, upgrade): the guests get the longest safe lease.
    fence.stop({ graceful: true });
    consoles.close();
    await control.close();
    session!.stop();
    meter.stop();
    appliances.stop();
    monitor?.stop();
    await metricsServer?.close();
    // VMs keep running: a restarted agent re-attaches to them.
    // Exiting anyway: a close that fails is logged and must not keep the process up.
    await Promise.all(
      drivers.map((d) => d.close().catch((err: unknown) => log.debug({ err }, 'driver close failed at shutdown'))),
    );
    await store.close().catch((err: unknown) => log.debug({ err }, 'store close failed at shutdown'));
    process.exit(0);
  };
  onSignal = (sig, stopVms) => void shutdown(sig, stopVms);
  if (early) onSignal(...early);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

// `nephele-agent exec …` is a client of a running agent, not an agent.
const run = process.argv[2] === 'exec' ? execMain(process.argv.slice(3)).then((code) => process.exit(code)) : main();
run.catch((e) => {
  const msg = e instanceof EnrollError ? e.message : ((e as { details?: string }).details ?? (e as Error).message);
  process.stderr.write(`nephele-agent: ${msg}\n`);
  process.exit(1);
});
