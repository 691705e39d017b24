// What an analysis finds about one VM (pure). The thresholds are the documented
// rules below; each finding carries the numbers that drove it (observed,
// allocated, the bar) and says them in words.
//
//   under_provisioned  p95 CPU >= 90 % of its vCPUs, or its CPU quota was exhausted
//                      (throttled); p95 memory >= 90 % of its memory
//   over_provisioned   p95 CPU <= 30 % of its vCPUs with more than 1 vCPU; p95
//                      memory <= 40 % of its memory (never below the manifest's minimum)
//   idle               p95 CPU < 0.05 vCPU and p95 network < 0.01 Mbit/s
//   bandwidth_unused   p95 network <= 10 % of the declared need (manifest) or of
//                      its class's network cap
//   insufficient_data  fewer hours of data than the minimum: the usage findings
//                      above are not made
//   oom / throttled    killed for memory / CPU quota exhausted in the window
//   missing_feature    a feature the manifest requires that the VM's host lacks
//   outside_manifest   vCPUs or memory below the manifest's minimum or above its maximum
import type { ApplianceManifest, Finding, UsageProfile } from '../../../common/model/reclass.js';
import { IDLE_CPU_VCPUS, IDLE_NET_MBPS } from './profile.js';

export const UNDER_PCT = 90;
export const OVER_CPU_PCT = 30;
export const OVER_MEMORY_PCT = 40;
export const BANDWIDTH_UNUSED_PCT = 10;

export interface FindingsInput {
  vcpus: number;
  memoryMib: number;
  usage: UsageProfile;
  manifest?: ApplianceManifest;
  hostFeatures: readonly string[];
  /** The class's network cap (Mbit/s; 0 = none). */
  classNetMbps: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const pct = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);

export function findingsOf(i: FindingsInput): Finding[] {
  const out: Finding[] = [];
  const u = i.usage;
  const m = i.manifest;
  if (!u.sufficient)
    out.push({
      kind: 'insufficient_data',
      resource: 'cpu',
      observed: u.dataHours,
      allocated: 0,
      threshold: 0,
      detail: `${u.dataHours} hours of data (${u.gapHours} missing) is less than the minimum`,
    });
  else out.push(...usageFindings(i));
  if (u.oomKills > 0)
    out.push({
      kind: 'oom',
      resource: 'memory',
      observed: u.oomKills,
      allocated: i.memoryMib,
      threshold: 0,
      detail: `${u.oomKills} OOM kills in the window with ${i.memoryMib} MiB`,
    });
  if (u.throttledSeconds > 0)
    out.push({
      kind: 'throttled',
      resource: 'cpu',
      observed: r2(u.throttledSeconds),
      allocated: i.vcpus,
      threshold: 0,
      detail: `CPU quota exhausted for ${r2(u.throttledSeconds)} s in the window with ${i.vcpus} vCPUs`,
    });
  if (m) out.push(...manifestFindings(i, m));
  return out;
}

function usageFindings(i: FindingsInput): Finding[] {
  const out: Finding[] = [];
  const u = i.usage;
  const cpu = u.cpuVcpus.p95;
  const mem = u.memoryMib.p95;
  const net = u.netMbps.p95;
  const minVcpus = i.manifest?.minVcpus ?? 0;
  const minMemory = i.manifest?.minMemoryMib ?? 0;
  const cpuPct = pct(cpu, i.vcpus);
  const memPct = pct(mem, i.memoryMib);
  const row = (
    kind: Finding['kind'],
    resource: Finding['resource'],
    observed: number,
    allocated: number,
    threshold: number,
    detail: string,
  ) => out.push({ kind, resource, observed: r2(observed), allocated, threshold, detail });
  if (cpuPct >= UNDER_PCT || u.throttledSeconds > 0)
    row(
      'under_provisioned',
      'cpu',
      cpu,
      i.vcpus,
      UNDER_PCT,
      `p95 cpu ${r2(cpu)} of ${i.vcpus} vCPUs (${Math.round(cpuPct)}%)` +
        (cpuPct >= UNDER_PCT ? ` >= ${UNDER_PCT}%` : `, throttled ${r2(u.throttledSeconds)} s`),
    );
  else if (cpuPct <= OVER_CPU_PCT && i.vcpus > 1 && i.vcpus > minVcpus)
    row(
      'over_provisioned',
      'cpu',
      cpu,
      i.vcpus,
      OVER_CPU_PCT,
      `p95 cpu ${r2(cpu)} of ${i.vcpus} vCPUs (${Math.round(cpuPct)}%) <= ${OVER_CPU_PCT}%`,
    );
  if (memPct >= UNDER_PCT)
    row(
      'under_provisioned',
      'memory',
      mem,
      i.memoryMib,
      UNDER_PCT,
      `p95 memory ${Math.round(mem)} of ${i.memoryMib} MiB (${Math.round(memPct)}%) >= ${UNDER_PCT}%`,
    );
  else if (memPct <= OVER_MEMORY_PCT && i.memoryMib > minMemory)
    row(
      'over_provisioned',
      'memory',
      mem,
      i.memoryMib,
      OVER_MEMORY_PCT,
      `p95 memory ${Math.round(mem)} of ${i.memoryMib} MiB (${Math.round(memPct)}%) <= ${OVER_MEMORY_PCT}%`,
    );
  if (u.idle)
    row(
      'idle',
      'cpu',
      cpu,
      i.vcpus,
      IDLE_CPU_VCPUS,
      `p95 cpu ${r2(cpu)} vCPUs < ${IDLE_CPU_VCPUS} and p95 network ${r2(net)} Mbit/s < ${IDLE_NET_MBPS}`,
    );
  const cap = i.manifest?.netMbps || i.classNetMbps;
  const netPct = pct(net, cap);
  if (cap > 0 && netPct <= BANDWIDTH_UNUSED_PCT)
    row(
      'bandwidth_unused',
      'net',
      net,
      cap,
      BANDWIDTH_UNUSED_PCT,
      `p95 network ${r2(net)} of ${cap} Mbit/s ${i.manifest?.netMbps ? 'declared' : 'class cap'} (${Math.round(netPct)}%) <= ${BANDWIDTH_UNUSED_PCT}%`,
    );
  return out;
}

function manifestFindings(i: FindingsInput, m: ApplianceManifest): Finding[] {
  const out: Finding[] = [];
  const offered = new Set(i.hostFeatures);
  for (const f of m.requiredFeatures)
    if (!offered.has(f))
      out.push({
        kind: 'missing_feature',
        resource: 'feature',
        observed: 0,
        allocated: 0,
        threshold: 1,
        detail: `the manifest requires ${f}; the VM's host does not offer it`,
      });
  const outside = (resource: 'cpu' | 'memory', have: number, min: number, max: number, unit: string) => {
    if (have >= min && (!max || have <= max)) return;
    const below = have < min;
    out.push({
      kind: 'outside_manifest',
      resource,
      observed: have,
      allocated: have,
      threshold: below ? min : max,
      detail: `${have} ${unit} is ${below ? 'below the manifest minimum' : 'above the manifest maximum'} of ${below ? min : max}`,
    });
  };
  outside('cpu', i.vcpus, m.minVcpus, m.maxVcpus, 'vCPUs');
  outside('memory', i.memoryMib, m.minMemoryMib, m.maxMemoryMib, 'MiB');
  return out;
}
