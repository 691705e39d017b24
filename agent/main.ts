#!/usr/bin/env node
import '../common/quiet.js';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { Command, Option } from 'commander';
import type { HostKind } from '../common/gen/nephele/v1/HostKind.js';
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
import { FileRenewal } from './renewal.js';
import { loadDrivers } from './drivers/index.js';
import { Runner } from './runner/runner.js';

const env = process.env;

const program = new Command('nephele-agent')
  .description('Nephele agent: reports this host to the controller and runs its VMs')
  .version(AGENT_VERSION)
  .option('--controller <addr>', 'controller address host:port', env.NEPHELE_CONTROLLER ?? '127.0.0.1:7443')
  .option('--data-dir <dir>', 'where the agent keeps its identity and state', env.NEPHELE_DATA_DIR ?? '/var/lib/nephele-agent')
  .option('--join-token <token>', 'one-time join token (first start only; env NEPHELE_JOIN_TOKEN)', env.NEPHELE_JOIN_TOKEN)
  .addOption(new Option('--kind <kind>', 'dedicated resource server or ad-hoc machine').choices(['dedicated', 'adhoc']).default(env.NEPHELE_KIND || 'dedicated'))
  .option('--name <name>', 'host name shown in the fleet', env.NEPHELE_NAME || hostname())
  .option('--ca-file <file>', 'controller CA certificate (instead of the pin in the join token)')
  .option('--reserve-cpus <n>', 'vCPUs kept back for the host', env.NEPHELE_RESERVE_CPUS ?? '1')
  .option('--reserve-memory <size>', 'memory kept back for the host', env.NEPHELE_RESERVE_MEMORY ?? '1G')
  .option('--reserve-disk <size>', 'disk kept back for the host', env.NEPHELE_RESERVE_DISK ?? '10G')
  .option('--inventory-interval <duration>', 'how often to re-collect the inventory', '5m')
  .option('--insecure', 'plain-text gRPC to a loopback controller (development only)', false)
  .option('--schemes <list>', 'only these schemes, e.g. process or qemu,process (default: every working one)', env.NEPHELE_SCHEMES)
  .option('--image-dir <dir>', 'where guest images live (default: <data-dir>/images)', env.NEPHELE_IMAGE_DIR)
  .option('--no-renew', 'do not renew the client certificate before it expires (testing)')
  .option('--log-level <level>', 'log level', env.NEPHELE_LOG_LEVEL ?? 'info');

async function main(): Promise<void> {
  program.parse();
  const o = program.opts();
  const log = createLogger('nephele-agent', { level: o.logLevel });
  const files = new AgentFiles(resolve(o.dataDir));
  const kind: HostKind = o.kind === 'adhoc' ? 'HOST_KIND_ADHOC' : 'HOST_KIND_DEDICATED';
  let reserve;
  try {
    reserve = { vcpus: Number(o.reserveCpus), memoryBytes: parseSize(o.reserveMemory), diskBytes: parseSize(o.reserveDisk) };
    if (!Number.isInteger(reserve.vcpus) || reserve.vcpus < 0) throw new Error('--reserve-cpus must be a non-negative integer');
  } catch (e) {
    throw new EnrollError((e as Error).message);
  }

  let identity = files.identity();
  if (!identity || (!o.insecure && !files.credentials())) {
    if (!o.joinToken) throw new EnrollError('not enrolled yet: pass --join-token (make one with `nephele token create --join`)');
    const res = await enrollAgent(files, {
      controller: o.controller,
      joinToken: o.joinToken,
      hostname: o.name,
      kind,
      agentVersion: AGENT_VERSION,
      insecure: !!o.insecure,
      caPem: o.caFile ? readFileSync(o.caFile, 'utf8') : undefined,
    });
    log.info({ host_id: res.hostId, cert_not_after: new Date(Number(res.certificateNotAfterUnixMs)).toISOString() }, 'enrolled');
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
  const { drivers } = await loadDrivers({
    dataDir: files.dir,
    imageRoot: resolve(o.imageDir ?? join(files.dir, 'images')),
    schemes: o.schemes ? String(o.schemes).split(',').map((x: string) => x.trim()).filter(Boolean) : undefined,
    log,
  });
  const collector = new InventoryCollector({ reserve, schemes: drivers.map((d) => d.scheme) });
  // The runner reports through the session, which is made below.
  let session: AgentSession | undefined;
  const runner = new Runner({ drivers, store, log: log.child({ host_id: identity.hostId }), report: (r) => session!.reportVm(r) });
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
    schemes: () => runner.schemes(),
  });
  await runner.start();
  await session.emit('started', 'agent started', { version: AGENT_VERSION, pid: String(process.pid), schemes: runner.schemes().join(',') });
  await session.start();
  log.info({ host_id: identity.hostId, controller: o.controller, data_dir: files.dir }, 'agent running');

  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal: sig }, 'agent stopping');
    session!.stop();
    // VMs keep running: a restarted agent re-attaches to them.
    await Promise.all(drivers.map((d) => d.close().catch(() => {})));
    await store.close().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e) => {
  const msg = e instanceof EnrollError ? e.message : (e as { details?: string }).details ?? (e as Error).message;
  process.stderr.write(`nephele-agent: ${msg}\n`);
  process.exit(1);
});
