// A VM's usage profile: percentiles of each metric over the hours it ran in the
// window, how many hours that is (and how many are missing), and whether it is
// enough to judge by and idle.
import type { UsageProfile } from '../../../common/model/reclass.js';
import { HOUR_MS } from '../../usage/model.js';
import type { UsageSeries } from '../ports.js';
import { percentilesOf } from './percentiles.js';

/** Idle: p95 CPU under this many vCPUs AND p95 network under IDLE_NET_MBPS. */
export const IDLE_CPU_VCPUS = 0.05;
export const IDLE_NET_MBPS = 0.01;

export interface ProfileWindow {
  windowHours: number;
  minDataHours: number;
  /** Window end (exclusive). */
  endUnixMs: number;
  /** When the VM was created: hours before it are not gaps. */
  createdUnixMs: number;
}

export function profileOf(s: UsageSeries, w: ProfileWindow): UsageProfile {
  const cpuVcpus = percentilesOf(s.cpuVcpus);
  const netMbps = percentilesOf(s.netMbps);
  const dataHours = s.cpuVcpus.length;
  const lived = Math.ceil(Math.max(0, w.endUnixMs - w.createdUnixMs) / HOUR_MS);
  const sufficient = dataHours >= w.minDataHours;
  return {
    cpuVcpus,
    memoryMib: percentilesOf(s.memoryMib),
    diskIoMbps: percentilesOf(s.diskIoMbps),
    netMbps,
    dataHours,
    gapHours: Math.max(0, Math.min(w.windowHours, lived) - dataHours),
    sufficient,
    idle: sufficient && cpuVcpus.p95 < IDLE_CPU_VCPUS && netMbps.p95 < IDLE_NET_MBPS,
    oomKills: s.oomKills,
    throttledSeconds: s.throttledSeconds,
  };
}
