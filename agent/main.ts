#!/usr/bin/env node
import '../common/quiet.js';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { Command, Option } from 'commander';
import type { HostKind } from '../common/model/enums.js';
import { createLogger } from '../common/logger.js';
import { LevelStore } from '../common/store/index.js';
import { parseDuration } from '../common/validate.js';
import { AgentFiles } from './state.js';
import { enrollAgent, EnrollError } from './enroll.js';
import { Outbox } from './outbox.js';
import { AgentSession } from './session.js';
import { InventoryCollector } from './inventory/collect.js';
import { parseSize } from './inventory/capacity.js';
import { AGENT_VERSION } from './version.js';
import { withDefaultPort } from '../common/address.js';
import { FileRenewal } from './renewal.js';
import { loadDrivers } from './drivers/index.js';
import { parseUidRange } from './drivers/process/sandbox.js';
import { Runner } from './runner/runner.js';
import { FlagError, parseDurationFlag, parseFenceAfter, parseLabels, parseList, parseNumberFlag } from './flags.js';
import { Fence } from './fence/fence.js';
import { DEFAULT_OWNER_DEVICES } from './adhoc/idle.js';
// The owner policy's modules load only on ad-hoc hosts (a dedicated agent stays small).
import type { OwnerMonitor, OwnerChange } from './adhoc/monitor.js';

const env = process.env;
const collect = (v: string, prev: string[]) => [...prev, v];

const program = new Command('nephele-agent')
  .description('Nephele agent: reports this host to the controller and runs its VMs')
  .version(AGENT_VERSION)
  .option('--controller <addr>', 'controller address host:port', env.NEPHELE_CONTROLLER ?? '127.0.0.1:7443')
  .option(
    '--data-dir <dir>',
    'where the agent keeps its identity and state',
    env.NEPHELE_DATA_DIR ?? '/var/lib/nephele-agent',
  )
  // From the environment through .env(): --help names the variable, never the secret.
  .addOption(new Option('--join-token <token>', 'one-time join token (first start only)').env('NEPHELE_JOIN_TOKEN'))
  .addOption(
    new Option('--kind <kind>', 'dedicated resource server or ad-hoc machine')
      .choices(['dedicated', 'adhoc'])
      .default(env.NEPHELE_KIND || 'dedicated'),
  )
  .option('--name <name>', 'host name shown in the fleet', env.NEPHELE_NAME || hostname())
  .option('--ca-file <file>', 'controller CA certificate (instead of the pin in the join token)')
  .option('--reserve-cpus <n>', 'vCPUs kept back for the host', env.NEPHELE_RESERVE_CPUS ?? '1')
  .option('--reserve-memory <size>', 'memory kept back for the host', env.NEPHELE_RESERVE_MEMORY ?? '1G')
  .option('--reserve-disk <size>', 'disk kept back for the host', env.NEPHELE_RESERVE_DISK ?? '10G')
  .option('--inventory-interval <duration>', 'how often to re-collect the inventory', '5m')
  .option('--insecure', 'plain-text gRPC to a loopback controller (development only)', false)
  .option(
    '--schemes <list>',
    'only these schemes, e.g. process or qemu,process (default: every working one)',
    env.NEPHELE_SCHEMES,
  )
  .option('--image-dir <dir>', 'where guest images live (default: <data-dir>/images)', env.NEPHELE_IMAGE_DIR)
  .option(
    '--process-uids <first-last>',
    'process VMs: the unprivileged uids handed out one per VM (keep clear of login users and /etc/subuid ranges)',
    env.NEPHELE_PROCESS_UIDS ?? '200000-265535',
  )
  .option('--no-renew', 'do not renew the client certificate before it expires (testing)')
  .option(
    '--label <k=v>',
    'host label for placement constraints, repeatable (env NEPHELE_LABELS=k=v,k2=v2)',
    collect,
    [] as string[],
  )
  .option(
    '--guest-vcpus <n>',
    'advertise this many guest vCPUs instead of threads minus --reserve-cpus (may overcommit)',
    env.NEPHELE_GUEST_VCPUS,
  )
  // Ad-hoc hosts (--kind adhoc): the owner policy, after HTCondor's START / SUSPEND / PREEMPT.
  .option(
    '--offer-guarantees',
    'ad-hoc: take guaranteed (not only best-effort) work',
    env.NEPHELE_OFFER_GUARANTEES === '1' || env.NEPHELE_OFFER_GUARANTEES === 'true',
  )
  .option(
    '--owner-devices <list>',
    `ad-hoc: input devices whose access time is the owner's last input (globs in the last component; default ${DEFAULT_OWNER_DEVICES.join(',')})`,
    env.NEPHELE_OWNER_DEVICES,
  )
  .option(
    '--owner-busy-cpu <pct>',
    'ad-hoc: owner CPU (100 = one core) above which the owner is busy; 0 ignores CPU',
    env.NEPHELE_OWNER_BUSY_CPU ?? '50',
  )
  .option(
    '--owner-idle-after <duration>',
    'ad-hoc: input idle this long counts as idle',
    env.NEPHELE_OWNER_IDLE_AFTER ?? '5m',
  )
  .option(
    '--owner-resume-after <duration>',
    'ad-hoc: owner idle this long before guests resume',
    env.NEPHELE_OWNER_RESUME_AFTER ?? '1m',
  )
  .option(
    '--owner-evacuate-after <duration>',
    'ad-hoc: owner busy this long: ask the controller to move the guests away',
    env.NEPHELE_OWNER_EVACUATE_AFTER ?? '10m',
  )
  .option('--owner-poll <duration>', 'ad-hoc: how often to sample owner activity', env.NEPHELE_OWNER_POLL ?? '2s')
  .option(
    '--fence-after <duration>',
    "a VM outlives a dead agent this long, then stops itself (kept well under the controller's down-after + replace-after)",
    env.NEPHELE_FENCE_AFTER ?? '1m',
  )
  .option('--log-level <level>', 'log level', env.NEPHELE_LOG_LEVEL ?? 'info');

/** Owner-policy settings from the flags (validated even on dedicated hosts: a typo is a typo). */
function ownerConfig(o: Record<string, string>) {
  const policy = {
    busyCpuPct: parseNumberFlag('--owner-busy-cpu', o.ownerBusyCpu!, { min: 0, max: 100_000 }),
    idleAfterMs: parseDurationFlag('--owner-idle-after', o.ownerIdleAfter!),
    resumeAfterMs: parseDurationFlag('--owner-resume-after', o.ownerResumeAfter!),
    evacuateAfterMs: parseDurationFlag('--owner-evacuate-after', o.ownerEvacuateAfter!),
  };
  const pollMs = parseDurationFlag('--owner-poll', o.ownerPoll!);
  if (pollMs < 50) throw new FlagError('--owner-poll', 'must be at least 50ms');
  return { policy, pollMs, devices: parseList(o.ownerDevices) };
}

async function main(): Promise<void> {
  program.parse();
  const o = program.opts();
  o.controller = withDefaultPort(o.controller as string);
  const log = createLogger('nephele-agent', { level: o.logLevel });
  const files = new AgentFiles(resolve(o.dataDir));
  const kind: HostKind = o.kind === 'adhoc' ? 'adhoc' : 'dedicated';
  let reserve;
  try {
    reserve = {
      vcpus: Number(o.reserveCpus),
      memoryBytes: parseSize(o.reserveMemory),
      diskBytes: parseSize(o.reserveDisk),
    };
    if (!Number.isInteger(reserve.vcpus) || reserve.vcpus < 0)
      throw new Error('--reserve-cpus must be a non-negative integer');
  } catch (e) {
    throw new EnrollError((e as Error).message);
  }
  const labels = parseLabels([...(parseList(env.NEPHELE_LABELS) ?? []), ...(o.label as string[])]);
  const guestVcpus =
    o.guestVcpus === undefined
      ? undefined
      : parseNumberFlag('--guest-vcpus', o.guestVcpus, { min: 0, max: 4096, integer: true });
  const owner = ownerConfig(o);
  const fenceAfterMs = parseFenceAfter(o.fenceAfter);
  let processUids;
  try {
    processUids = parseUidRange(o.processUids);
  } catch (e) {
    throw new FlagError('--process-uids', (e as Error).message);
  }
  const adhoc = kind === 'adhoc';
  // A dedicated host gives guarantees by definition; the flag only means something on ad-hoc hosts.
  if (o.offerGuarantees && !adhoc)
    log.warn({ kind: o.kind }, '--offer-guarantees applies only to --kind adhoc; ignored');

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

  const creds = o.insecure
    ? grpc.credentials.createInsecure()
    : (() => {
        const c = files.credentials()!;
        return grpc.credentials.createSsl(Buffer.from(c.caPem), Buffer.from(c.keyPem), Buffer.from(c.certPem));
      })();
  const store = await LevelStore.open(join(files.dir, 'state'));
  const outbox = await Outbox.open(store);
  // Before any VM is recovered: a fresh lease first, so a watcher left by the previous agent never fires meanwhile.
  const fence = new Fence({
    dir: join(files.dir, 'fence'),
    fenceAfterMs,
    log: log.child({ host_id: identity.hostId }),
  });
  fence.start();
  const { drivers, fingerprints } = await loadDrivers({
    fence,
    dataDir: files.dir,
    processUids,
    imageRoot: resolve(o.imageDir ?? join(files.dir, 'images')),
    schemes: o.schemes
      ? String(o.schemes)
          .split(',')
          .map((x: string) => x.trim())
          .filter(Boolean)
      : undefined,
    log,
  });
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
  const runner = new Runner({
    drivers,
    store,
    log: log.child({ host_id: identity.hostId }),
    report: (r) => session!.reportVm(r),
    fenced: (id) => fence.takeFenced(id),
    // Cold moves go through the controller: agents only ever dial it.
    exportDisk: (id, path) => session!.putDisk(id, path),
    importDisk: async (id) => {
      mkdirSync(transferDir, { recursive: true, mode: 0o700 });
      const dest = join(transferDir, `${id}.qcow2`);
      await session!.getDisk(id, dest);
      return dest;
    },
  });
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
    onDesired: (vms) => runner.apply(vms),
    onReplaceWindow: (ms) => fence.setReplaceWindow(ms),
    schemes: () => runner.schemes(),
    // What the planner needs to know about each scheme (process: whether it isolates tasks).
    schemeInfo: () =>
      fingerprints.filter((f) => f.healthy).map((f) => ({ scheme: f.scheme, attributes: f.attributes })),
    labels,
    offersGuarantees: adhoc && !!o.offerGuarantees,
    ...(adhoc ? { owner: () => monitor!.current() } : {}),
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
      hostLog.info(
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
  await session.start();
  log.info({ host_id: identity.hostId, controller: o.controller, data_dir: files.dir }, 'agent running');

  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal: sig }, 'agent stopping');
    // A deliberate stop (restart, upgrade): the guests get the longest safe lease.
    fence.stop({ graceful: true });
    session!.stop();
    monitor?.stop();
    // VMs keep running: a restarted agent re-attaches to them.
    // Exiting anyway: a close that fails is logged and must not keep the process up.
    await Promise.all(
      drivers.map((d) => d.close().catch((err: unknown) => log.debug({ err }, 'driver close failed at shutdown'))),
    );
    await store.close().catch((err: unknown) => log.debug({ err }, 'store close failed at shutdown'));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

main().catch((e) => {
  const msg = e instanceof EnrollError ? e.message : ((e as { details?: string }).details ?? (e as Error).message);
  process.stderr.write(`nephele-agent: ${msg}\n`);
  process.exit(1);
});
