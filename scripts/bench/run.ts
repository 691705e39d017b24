import '../../common/quiet.js';
import { join } from 'node:path';
import { runAgentIdle } from './agent-idle.js';
import { runEnroll } from './enroll.js';
import { cleanupNow, installCleanup } from './children.js';
import { ROOT } from './controller.js';
import { runHeartbeat } from './heartbeat.js';
import { runPlanner } from './planner.js';
import { runPlannerE2e } from './planner-e2e.js';
import { runReconnect } from './reconnect.js';
import { runProcess200, runQemu } from './vms.js';
import { runUsageExport } from './usage-export.js';
import { runUsageIngest } from './usage-ingest.js';
import { runUsageAgent } from './usage-agent.js';
import { runMonitorState } from './monitor-state.js';
import { runMonitorAgent } from './monitor-agent.js';
import { runMonitorDetect } from './monitor-detect.js';
import { runImageTransfer } from './image-transfer.js';
import { runImageClone, runImageUpdateCycle } from './images.js';
import { runSchemesMigrate } from './schemes-migrate.js';
import { runReclassAnalyze } from './reclass-analyze.js';
import { runSchemesDisk } from './schemes-disk.js';
import { runSchemesConvert } from './schemes-convert.js';
import { mergeResults, summaryTable, type Figures } from './results.js';
import { runBus } from './bus.js';

// `npm run bench [-- heartbeat agent]`: runs the named benchmarks (default:
// all), merges their figures into bench/results.json and prints a summary.

const BENCHES: Record<string, { about: string; run: () => Promise<Figures> }> = {
  enroll: { about: 'concurrent Enroll RPCs (fresh join token and CSR each) against a real controller, vs plain crypto.sign', run: runEnroll },
  heartbeat: { about: 'heartbeat ingestion: N agent sessions at 1 Hz from two generator processes, controller vs bare grpc-js', run: runHeartbeat },
  agent: { about: 'idle footprint of one agent next to prometheus-node-exporter', run: runAgentIdle },
  qemu: { about: 'create -> guest ready through the controller vs bare qemu, median of 5', run: runQemu },
  process: { about: '200 process VMs on one agent: create -> all running', run: runProcess200 },
  planner: { about: 'placement core in process: 100,000 VMs on 10,000 hosts vs a next-fit loop', run: runPlanner },
  reconnect: { about: 'controller restart under N connected agents (real agent sessions): time until all are back, busiest second', run: runReconnect },
  'usage-export': { about: 'export 1,000,000 stored usage records to a gRPC client as CSV and FOCUS, vs an ordered LevelDB scan', run: runUsageExport },
  'usage-ingest': { about: 'UsageBatches from N simulated agent sessions: acked records/s at the controller vs plain LevelDB batches', run: runUsageIngest },
  'usage-agent': { about: 'agent CPU metering 100 process VMs at the default interval (measured at 1 s, scaled)', run: runUsageAgent },
  'monitor-agent': { about: 'agent CPU monitoring 50 process VMs at the default interval (measured at 1 s polls, scaled), beside the same VMs unmonitored', run: runMonitorAgent },
  'monitor-detect': { about: 'killing the app in a real QEMU guest -> the monitor sends the restart action, median of 5, beside the poll interval', run: runMonitorDetect },
  'image-transfer': { about: 'a raw image uploaded to the controller and downloaded back, checksummed, vs a plain file copy', run: runImageTransfer },
  'image-clone': { about: '100 linked clones defined on one host (PopulateSet -> overlays on the cached base), vs 100 qemu-img create -b', run: runImageClone },
  'image-cycle': { about: 'UpdateVmSet end to end on a 3-VM qemu set (token, configure, capture, canary + batches, health, retire), vs a bare qemu boot', run: runImageUpdateCycle },
  'monitor-state': { about: 'the appliance state table: 10,000 appliances on 100 simulated agent sessions, 5 % changing per poll, applied/s and controller CPU (back to back, then paced at 10 s), vs in process and a bare Map + LevelDB put', run: runMonitorState },
  'reclass-analyze': { about: 'reclassification analysis of 100,000 VMs x 30 days of hourly usage (percentiles by histogram + quickselect in a bucket, + findings) vs a plain typed-array sort; usage series from a LevelDB of rollups vs a bare scan', run: runReclassAnalyze },
  'schemes-disk': { about: 'a 1 GiB sparse-ish qcow2 converted to vmdk: inspect + qemu-img convert -p + verify, vs plain qemu-img convert', run: runSchemesDisk },
  'schemes-migrate': { about: 'one cold migration of a qemu guest to another agent (BENCH_MIGRATE_SCHEME, default qemu; libvirt once merged), call to healthy there, median of BENCH_MIGRATE_RUNS (3), beside a bare qemu boot', run: runSchemesMigrate },
  bus: { about: 'messaging bus: two process VMs on two agents, windowed messages through the controller (msgs/s, p99), vs a bare grpc-js relay', run: runBus },
  'planner-e2e': { about: 'CreateVmSet of 10,000 VMs -> all confirmed by N simulated agents, vs bare grpc-js', run: runPlannerE2e },
  'schemes-convert': { about: 'definition conversions through the canonical spec over a mix of real-world shaped vmx/libvirt/OVF/xl/QEMU/canonical documents, in process, vs a bare fast-xml-parser parse + build of the same domain XML', run: runSchemesConvert },
};

const RESULTS = join(ROOT, 'bench', 'results.json');

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  if (asked.includes('-h') || asked.includes('--help')) {
    process.stdout.write(`usage: node dist/scripts/bench/run.js [${Object.keys(BENCHES).join('|')}]...\n`);
    for (const [name, b] of Object.entries(BENCHES)) process.stdout.write(`  ${name.padEnd(10)} ${b.about}\n`);
    process.stdout.write(
      [
        'environment (defaults):',
        '  BENCH_SESSIONS=10000        agents to connect (heartbeat; enrolled once into bench/.cache/heartbeat)',
        '  BENCH_FRESH=1               enrol the heartbeat fleet anew instead of using the cache',
        '  BENCH_CONNECT_SECONDS=300   connect phase budget per server; sessions open by then are used',
        '  BENCH_WARMUP_SECONDS=8      1 Hz warm-up before the measured window',
        '  BENCH_WINDOW_SECONDS=20     measured 1 Hz window',
        '  BENCH_MAX_SECONDS=8         measured window of the as-fast-as-acked phase',
        '  BENCH_IDLE_SECONDS=60       agent idle sampling window',
        '  BENCH_PLANNER_SESSIONS=1000 simulated agents that confirm the set\'s VMs (planner-e2e)',
        '  BENCH_PLANNER_VMS=10000     VMs in the measured set (planner-e2e; at most 10000)',
        '  BENCH_PLANNER_POLL_MS=100   GetVmSet polling period while waiting for confirmations (planner-e2e)',
        '  BENCH_ENROLL_N=5000          Enroll calls timed (enroll)',
        '  BENCH_RECONNECT_AGENTS=1000 connected agents when the controller restarts (reconnect)',
        '  BENCH_CLONES=100            linked clones populated at once (image-clone; at most 1000)',
        '  BENCH_MONITOR_HOSTS=100     simulated agent sessions (monitor-state)',
        '  BENCH_MONITOR_PER_HOST=100  appliances per agent (monitor-state)',
        '  BENCH_MONITOR_CYCLES=20     poll cycles run back to back (monitor-state capacity)',
        '  BENCH_MONITOR_PACED_CYCLES=3 poll cycles at the interval (monitor-state CPU at the real pace)',
        '  BENCH_MONITOR_INTERVAL_MS=10000 the poll interval of the paced cycles and the policy (monitor-state)',
        '  BENCH_RECLASS_VMS=100000    VMs analyzed (reclass-analyze; the figures are scaled to 100,000)',
        '  BENCH_RECLASS_SERIES_VMS=2000 VMs x 168 h of rollups in LevelDB (reclass-analyze series)',
        '  BENCH_MIGRATE_SCHEME=qemu   target scheme of the measured migration (schemes-migrate)',
        '  BENCH_MIGRATE_RUNS=3        measured migrations, each followed by an unmeasured one back (schemes-migrate)',
        '  BENCH_LIBVIRT_URI=<uri>     the libvirtd a libvirt target agent uses (schemes-migrate; default the agent\'s)',
        '  BENCH_CPU_PROF=<dir>        controller, bare servers and load generators write V8 CPU profiles there',
        '',
      ].join('\n'),
    );
    return;
  }
  const unknown = asked.filter((a) => !(a in BENCHES));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  const names = asked.length ? [...new Set(asked)] : Object.keys(BENCHES);

  installCleanup();
  const t0 = performance.now();
  const figures: Figures = {};
  const failed: string[] = [];
  for (const name of names) {
    const started = performance.now();
    process.stdout.write(`\n== ${name}: ${BENCHES[name]!.about}\n`);
    try {
      const got = await BENCHES[name]!.run();
      Object.assign(figures, got);
      // Written after each benchmark: a later failure keeps what was measured.
      mergeResults(RESULTS, got);
      process.stdout.write(`== ${name} done in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    } catch (e) {
      failed.push(name);
      process.stderr.write(`\n== ${name} FAILED: ${(e as Error).stack ?? String(e)}\n`);
    }
  }
  process.stdout.write(`\n${summaryTable(figures)}\n`);
  process.stdout.write(`results merged into ${RESULTS} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  if (failed.length) {
    process.stderr.write(`failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

main()
  .catch((e) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 1;
  })
  .finally(cleanupNow);
