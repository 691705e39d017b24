// A recommendation record for unit tests of the parts that read them (auto-apply,
// notice): every field filled, overridable.
import type { UsageProfile } from '../../common/model/reclass.js';
import type { RecommendationRecord } from '../../controller/model/reclass.js';

const pct = { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
const usage: UsageProfile = {
  cpuVcpus: pct,
  memoryMib: pct,
  diskIoMbps: pct,
  netMbps: pct,
  dataHours: 48,
  gapHours: 0,
  sufficient: true,
  idle: false,
  oomKills: 0,
  throttledSeconds: 0,
};

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
