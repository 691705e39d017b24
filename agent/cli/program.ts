import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import type { HostKind } from '../../common/model/enums.js';
import { withDefaultPort } from '../../common/address.js';
import { EnrollError } from '../enroll.js';
import { parseSize } from '../inventory/capacity.js';
import { parseUidRange } from '../drivers/process/sandbox.js';
import { parseUsageInterval, usageIntervalOption } from '../usage/meter.js';
import {
  envOption,
  fromEnvironment,
  envBoolean,
  FlagError,
  parseDurationFlag,
  parseFenceAfter,
  parseLabels,
  parseList,
  parseNumberFlag,
} from '../flags.js';
import { DEFAULT_OWNER_DEVICES } from '../adhoc/idle.js';
import {
  DEFAULT_METRICS_PORT,
  metricsListenOption,
  metricsPublicOption,
  parseMetricsListen,
} from '../../common/metrics/listen.js';

// The agent's command line: every flag, its variable and default, and their checks (agent/main.ts starts the agent from them).

const collect = (v: string, prev: string[]) => [...prev, v];

export const program = new Command('nephele-agent')
  .description('Nephele agent: reports this host to the controller and runs its VMs')
  .option('-V, --version', 'print the agent version')
  .addOption(envOption('--controller <addr>', 'controller address host:port', 'NEPHELE_CONTROLLER', '127.0.0.1:7443'))
  .addOption(
    envOption(
      '--data-dir <dir>',
      'where the agent keeps its identity and state',
      'NEPHELE_DATA_DIR',
      '/var/lib/nephele-agent',
    ),
  )
  // From the environment through .env(): --help names the variable, never the secret.
  .addOption(new Option('--join-token <token>', 'one-time join token (first start only)').env('NEPHELE_JOIN_TOKEN'))
  .addOption(
    new Option('--kind <kind>', 'dedicated resource server or ad-hoc machine')
      .choices(['dedicated', 'adhoc'])
      .env('NEPHELE_KIND')
      .default('dedicated'),
  )
  .addOption(envOption('--name <name>', 'host name shown in the fleet', 'NEPHELE_NAME', hostname()))
  .option('--ca-file <file>', 'controller CA certificate (instead of the pin in the join token)')
  .addOption(envOption('--reserve-cpus <n>', 'vCPUs kept back for the host', 'NEPHELE_RESERVE_CPUS', '1'))
  .addOption(envOption('--reserve-memory <size>', 'memory kept back for the host', 'NEPHELE_RESERVE_MEMORY', '1G'))
  .addOption(envOption('--reserve-disk <size>', 'disk kept back for the host', 'NEPHELE_RESERVE_DISK', '10G'))
  .option('--inventory-interval <duration>', 'how often to re-collect the inventory', '5m')
  .option('--insecure', 'plain-text gRPC to a loopback controller (development only)', false)
  .addOption(
    envOption(
      '--schemes <list>',
      'only these schemes, e.g. process or qemu,process (default: every working one)',
      'NEPHELE_SCHEMES',
    ),
  )
  .addOption(
    envOption(
      '--libvirt-uri <uri>',
      'offer the libvirt scheme through this libvirtd (e.g. qemu:///system; also on with --schemes libvirt)',
      'NEPHELE_LIBVIRT_URI',
    ),
  )
  .addOption(
    envOption('--image-dir <dir>', 'where guest images live (default: <data-dir>/images)', 'NEPHELE_IMAGE_DIR'),
  )
  .addOption(
    envOption(
      '--image-cache-size <size>',
      'most disk the cached base images of linked clones take (least recently used unused ones go first)',
      'NEPHELE_IMAGE_CACHE_SIZE',
      '20G',
    ),
  )
  .addOption(
    envOption(
      '--process-uids <first-last>',
      'process VMs: the unprivileged uids handed out one per VM (keep clear of login users and /etc/subuid ranges)',
      'NEPHELE_PROCESS_UIDS',
      '200000-265535',
    ),
  )
  .option('--no-renew', 'do not renew the client certificate before it expires (testing)')
  .addOption(
    new Option('--label <k=v>', 'host label for placement constraints, repeatable (the variable: k=v,k2=v2)')
      .env('NEPHELE_LABELS')
      .argParser(collect)
      .default([] as string[]),
  )
  .addOption(
    envOption(
      '--guest-vcpus <n>',
      'advertise this many guest vCPUs instead of threads minus --reserve-cpus (may overcommit)',
      'NEPHELE_GUEST_VCPUS',
    ),
  )
  .addOption(
    new Option(
      '--stop-vms-on-exit',
      "stop this host's VMs when the agent stops (SIGTERM, SIGINT); without it they keep running and the next agent re-adopts them (SIGUSR2 stops them either way)",
    ).env('NEPHELE_STOP_VMS_ON_EXIT'),
  )
  // Ad-hoc hosts (--kind adhoc): the owner policy, after HTCondor's START / SUSPEND / PREEMPT.
  .addOption(
    new Option(
      '--offer-guarantees',
      'ad-hoc: take guaranteed (not only best-effort) work (the variable: 1 or true)',
    ).env('NEPHELE_OFFER_GUARANTEES'),
  )
  .addOption(
    envOption(
      '--owner-devices <list>',
      `ad-hoc: input devices whose access time is the owner's last input (globs in the last component; default ${DEFAULT_OWNER_DEVICES.join(',')})`,
      'NEPHELE_OWNER_DEVICES',
    ),
  )
  .addOption(
    envOption(
      '--owner-busy-cpu <pct>',
      'ad-hoc: owner CPU (100 = one core) above which the owner is busy; 0 ignores CPU',
      'NEPHELE_OWNER_BUSY_CPU',
      '50',
    ),
  )
  .addOption(
    envOption(
      '--owner-idle-after <duration>',
      'ad-hoc: input idle this long counts as idle',
      'NEPHELE_OWNER_IDLE_AFTER',
      '5m',
    ),
  )
  .addOption(
    envOption(
      '--owner-resume-after <duration>',
      'ad-hoc: owner idle this long before guests resume',
      'NEPHELE_OWNER_RESUME_AFTER',
      '1m',
    ),
  )
  .addOption(
    envOption(
      '--owner-evacuate-after <duration>',
      'ad-hoc: owner busy this long: ask the controller to move the guests away',
      'NEPHELE_OWNER_EVACUATE_AFTER',
      '10m',
    ),
  )
  .addOption(
    envOption('--owner-poll <duration>', 'ad-hoc: how often to sample owner activity', 'NEPHELE_OWNER_POLL', '2s'),
  )
  .addOption(
    envOption(
      '--fence-after <duration>',
      "a VM outlives a dead agent this long, then stops itself (kept well under the controller's down-after + replace-after)",
      'NEPHELE_FENCE_AFTER',
      '1m',
    ),
  )
  .addOption(usageIntervalOption())
  .addOption(envOption('--log-level <level>', 'log level', 'NEPHELE_LOG_LEVEL', 'info'))
  .addOption(metricsListenOption(DEFAULT_METRICS_PORT.agent))
  .addOption(metricsPublicOption());

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

/** The flags (and their variables) parsed and checked: a bad one stops the agent before it touches anything. */
export function agentFlags() {
  program.parse();
  const o = program.opts();
  fromEnvironment(program, o);
  o.controller = withDefaultPort(o.controller as string);
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
  const labels = parseLabels(o.label as string[]);
  const guestVcpus =
    o.guestVcpus === undefined
      ? undefined
      : parseNumberFlag('--guest-vcpus', o.guestVcpus, { min: 0, max: 4096, integer: true });
  const owner = ownerConfig(o);
  const fenceAfterMs = parseFenceAfter(o.fenceAfter);
  const usageIntervalMs = parseUsageInterval(o.usageInterval);
  const metricsAt = parseMetricsListen(o.metricsListen, !!o.metricsPublic);
  let processUids;
  try {
    processUids = parseUidRange(o.processUids);
  } catch (e) {
    throw new FlagError('--process-uids', (e as Error).message);
  }
  let imageCacheBytes;
  try {
    imageCacheBytes = parseSize(o.imageCacheSize);
  } catch (e) {
    throw new FlagError('--image-cache-size', (e as Error).message);
  }
  if (imageCacheBytes < 1024 * 1024) throw new FlagError('--image-cache-size', 'must be at least 1M');
  const stopVmsOnExit = envBoolean(
    o.stopVmsOnExit,
    program.getOptionValueSource('stopVmsOnExit'),
    process.env.NEPHELE_STOP_VMS_ON_EXIT,
  );
  return {
    o,
    kind,
    adhoc: kind === 'adhoc',
    reserve,
    labels,
    guestVcpus,
    owner,
    fenceAfterMs,
    usageIntervalMs,
    metricsAt,
    processUids,
    stopVmsOnExit,
    imageCacheBytes,
  };
}
