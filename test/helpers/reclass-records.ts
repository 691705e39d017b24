// Reclass records for unit tests: a recommendation with every field filled,
// usage profiles and hourly series of flat or given columns; all overridable.
import type { UsageProfile } from '../../common/model/reclass.js';
import type { RecommendationRecord } from '../../controller/model/reclass.js';
import type { UsageSeries } from '../../controller/reclass/ports.js';

/** Percentiles that are all `v` (a flat series). */
export const flatPercentiles = (v: number) => ({ p50: v, p95: v, p99: v, max: v, mean: v });

/** A usage profile of flat series (cpu in vCPUs, memory in MiB, net in Mbit/s), 48 h of data; any field overridable. */
export function usageProfile(
  o: { cpu?: number; mem?: number; net?: number } & Partial<UsageProfile> = {},
): UsageProfile {
  const { cpu = 0, mem = 0, net = 0, ...rest } = o;
  return {
    cpuVcpus: flatPercentiles(cpu),
    memoryMib: flatPercentiles(mem),
    diskIoMbps: flatPercentiles(0),
    netMbps: flatPercentiles(net),
    dataHours: 48,
    gapHours: 0,
    sufficient: true,
    idle: false,
    oomKills: 0,
    throttledSeconds: 0,
    ...rest,
  };
}

/** A VM's hourly series from its cpu (vCPUs) and memory (MiB) columns; disk and net 0, no pressure. */
export function usageSeries(vmId: string, cpu: ArrayLike<number>, memMib: ArrayLike<number>): UsageSeries {
  return {
    vmId,
    hourStartUnixMs: Float64Array.from({ length: cpu.length }, (_, i) => i * 3_600_000),
    cpuVcpus: Float64Array.from(cpu),
    memoryMib: Float64Array.from(memMib),
    diskIoMbps: new Float64Array(cpu.length),
    netMbps: new Float64Array(cpu.length),
    oomKills: 0,
    throttledSeconds: 0,
  };
}

const usage = usageProfile();

export function recommendation(p: Partial<RecommendationRecord> = {}): RecommendationRecord {
  return {
    id: '01JRECAAAAAAAAAAAAAAAAAAAA',
    vmId: '01JVMAAAAAAAAAAAAAAAAAAAAA',
    vmName: 'web-1',
    setId: '01JSETAAAAAAAAAAAAAAAAAAAA',
    tenant: 'default',
    kind: 'resize',
    target: {
      kind: 'class',
      vmId: '',
      vmClass: 'large',
      vcpus: 4,
      memoryMib: 8192,
      diskGib: 80,
      features: [],
      hostId: '',
      peer: '',
    },
    benefit: {
      projectedCpuP95Pct: 50,
      projectedMemoryP95Pct: 40,
      headroomTargetPct: 70,
      riskPct: 0,
      costPerHourNow: 0.05,
      costPerHourTarget: 0.09,
      costDeltaPerMonth: 29.2,
      currency: 'USD',
      rateCardVersion: 0,
      moves: 1,
      score: 1,
    },
    findings: [],
    explanation: '',
    candidates: [],
    state: 'open',
    applicable: true,
    notApplicableReason: '',
    createdUnixMs: 0,
    updatedUnixMs: 0,
    windowHours: 168,
    dataHours: 48,
    vmGeneration: 1,
    vmSpecHash: 'x',
    stateReason: '',
    newVmId: '',
    scheduledUnixMs: 0,
    usage,
    vcpus: 2,
    memoryMib: 4096,
    vmClass: 'medium',
    ...p,
  };
}
