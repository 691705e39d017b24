import type { UsageFilter__Output } from '../../common/gen/nephele/v1/UsageFilter.js';
import type { UsageRow__Output } from '../../common/gen/nephele/v1/UsageRow.js';
import type { Rate__Output } from '../../common/gen/nephele/v1/Rate.js';
import type { RateCard__Output } from '../../common/gen/nephele/v1/RateCard.js';
import type { UsageGranularity__Output } from '../../common/gen/nephele/v1/UsageGranularity.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { GranularityEnum, SlaEnum } from '../../common/grpc/convert.js';
import type { Granularity } from '../../common/model/enums.js';
import { optionalString, requireId } from '../../common/validate.js';
import {
  DIMENSIONS,
  type Dimension,
  type Rate,
  type RateCard,
  type UsageDims,
  type UsageFilter,
  type UsageMetrics,
} from './model.js';

// The usage capability's edge: wire filter/rows/cards <-> the model, validating
// what comes in (INVALID_ARGUMENT naming the field).

/** app, user_group and class values: what a label value may be, lower-case. */
export const DIM_VALUE_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** A source controller's name as it appears in filters and imports. */
export const SOURCE_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function dimValueArg(field: string, v: unknown): string {
  const s = optionalString(field, v, 63);
  if (s && !DIM_VALUE_RE.test(s)) throw new InvalidArgumentError(field, 'must match [a-z0-9][a-z0-9._-]*, at most 63');
  return s;
}

export const timeArg = (field: string, v: unknown): number => {
  const n = Number(v ?? 0);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError(field, 'must be a non-negative unix time in ms');
  return n;
};

/**
 * The caller's filter, validated and narrowed to its tenant when it is
 * tenant-scoped (a scoped caller naming another tenant is refused, so it
 * cannot probe which tenants exist by the emptiness of answers).
 */
export function filterFromProto(
  f: UsageFilter__Output | null | undefined,
  scope: string | undefined,
  field = 'filter',
): UsageFilter {
  const tenant = optionalString(`${field}.tenant`, f?.tenant, 63);
  if (scope !== undefined && tenant && tenant !== scope)
    throw new InvalidArgumentError(`${field}.tenant`, 'must be your own tenant');
  const fromUnixMs = timeArg(`${field}.from_unix_ms`, f?.fromUnixMs);
  const toUnixMs = timeArg(`${field}.to_unix_ms`, f?.toUnixMs);
  if (toUnixMs && toUnixMs <= fromUnixMs)
    throw new InvalidArgumentError(`${field}.to_unix_ms`, 'must be after from_unix_ms');
  const source = optionalString(`${field}.source`, f?.source, 63);
  if (source && !SOURCE_RE.test(source))
    throw new InvalidArgumentError(`${field}.source`, 'must match [a-z0-9][a-z0-9._-]*, at most 63');
  return {
    tenant: scope ?? tenant,
    app: dimValueArg(`${field}.app`, f?.app),
    userGroup: dimValueArg(`${field}.user_group`, f?.userGroup),
    setId: f?.setId ? requireId(`${field}.set_id`, f.setId) : '',
    vmId: f?.vmId ? requireId(`${field}.vm_id`, f.vmId) : '',
    hostId: f?.hostId ? requireId(`${field}.host_id`, f.hostId) : '',
    fromUnixMs,
    toUnixMs,
    source,
  };
}

export function filterToProto(f: UsageFilter): UsageFilter__Output {
  return {
    tenant: f.tenant,
    app: f.app,
    userGroup: f.userGroup,
    setId: f.setId,
    vmId: f.vmId,
    hostId: f.hostId,
    fromUnixMs: f.fromUnixMs,
    toUnixMs: f.toUnixMs,
    source: f.source,
  };
}

export function granularityArg(g: UsageGranularity__Output | number | null | undefined, field = 'granularity') {
  return GranularityEnum.optional(g, field) ?? ('hour' satisfies Granularity);
}

export function groupByArg(v: readonly string[] | null | undefined, field = 'group_by'): Dimension[] {
  const list = v ?? [];
  if (list.length > DIMENSIONS.length) throw new InvalidArgumentError(field, `at most ${DIMENSIONS.length} dimensions`);
  const out: Dimension[] = [];
  list.forEach((d, i) => {
    if (!(DIMENSIONS as readonly string[]).includes(d))
      throw new InvalidArgumentError(`${field}[${i}]`, `must be one of ${DIMENSIONS.join(', ')}`);
    if (!out.includes(d as Dimension)) out.push(d as Dimension);
  });
  return out;
}

/** A row (raw record, rollup or query group) on the wire; dimensions not given are ''. */
export function rowToProto(
  r: Partial<UsageDims> &
    UsageMetrics & {
      startUnixMs: number;
      endUnixMs: number;
      sources?: Record<string, string>;
      id?: string;
      source?: string;
    },
): UsageRow__Output {
  return {
    vmId: r.vmId ?? '',
    setId: r.setId ?? '',
    tenant: r.tenant ?? '',
    hostId: r.hostId ?? '',
    scheme: r.scheme ?? '',
    vmClass: r.vmClass ?? '',
    app: r.app ?? '',
    userGroup: r.userGroup ?? '',
    sla: SlaEnum.toProto(r.sla),
    startUnixMs: r.startUnixMs,
    endUnixMs: r.endUnixMs,
    cpuSeconds: r.cpuSeconds,
    memoryByteSeconds: r.memoryByteSeconds,
    diskReadBytes: r.diskReadBytes,
    diskWriteBytes: r.diskWriteBytes,
    netRxBytes: r.netRxBytes,
    netTxBytes: r.netTxBytes,
    uptimeSeconds: r.uptimeSeconds,
    vcpuSeconds: r.vcpuSeconds,
    memoryMibSeconds: r.memoryMibSeconds,
    records: r.records,
    sources: { ...(r.sources ?? {}) },
    recordId: r.id ?? '',
    source: r.source ?? '',
    vcpus: r.vcpus ?? 0,
    memoryMib: r.memoryMib ?? 0,
    vmName: r.vmName ?? '',
    monitorPolls: r.monitorPolls ?? 0,
    monitorProbeSeconds: r.monitorProbeSeconds ?? 0,
    monitorActions: r.monitorActions ?? 0,
    oomKills: r.oomKills ?? 0,
    throttledSeconds: r.throttledSeconds ?? 0,
  };
}

const priceArg = (field: string, v: unknown): number => {
  const n = Number(v ?? 0);
  if (!Number.isFinite(n) || n < 0 || n > 1e9) throw new InvalidArgumentError(field, 'must be a price from 0 to 1e9');
  return n;
};

export function rateFromProto(r: Rate__Output, field: string): Rate {
  return {
    vmClass: dimValueArg(`${field}.vm_class`, r.vmClass),
    sla: SlaEnum.optional(r.sla, `${field}.sla`),
    vcpuHour: priceArg(`${field}.vcpu_hour`, r.vcpuHour),
    memoryGibHour: priceArg(`${field}.memory_gib_hour`, r.memoryGibHour),
    diskIoGb: priceArg(`${field}.disk_io_gb`, r.diskIoGb),
    networkGb: priceArg(`${field}.network_gb`, r.networkGb),
    monitorKPolls: priceArg(`${field}.monitor_k_polls`, r.monitorKPolls),
    monitorProbeHour: priceArg(`${field}.monitor_probe_hour`, r.monitorProbeHour),
    monitorAction: priceArg(`${field}.monitor_action`, r.monitorAction),
  };
}

export const rateToProto = (r: Rate): Rate__Output => ({
  vmClass: r.vmClass,
  sla: SlaEnum.toProto(r.sla),
  vcpuHour: r.vcpuHour,
  memoryGibHour: r.memoryGibHour,
  diskIoGb: r.diskIoGb,
  networkGb: r.networkGb,
  monitorKPolls: r.monitorKPolls ?? 0,
  monitorProbeHour: r.monitorProbeHour ?? 0,
  monitorAction: r.monitorAction ?? 0,
});

export const rateCardToProto = (c: RateCard): RateCard__Output => ({
  version: c.version,
  currency: c.currency,
  rates: c.rates.map(rateToProto),
  createdUnixMs: c.createdUnixMs,
});
