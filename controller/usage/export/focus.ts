import { InvalidArgumentError } from '../../../common/errors.js';
import type { Rate } from '../model.js';
import { csvField } from './csv.js';
import type { Formatter } from './format.js';
import { IsoCache, type ExportRow, type Pricer } from './row.js';

// FOCUS (FinOps Open Cost and Usage Specification) cost-and-usage rows, as CSV.
// One row per record and priced component, so BilledCost = PricingQuantity x
// ListUnitPrice holds on every row. The version is a parameter: each version
// is a table of columns (1.3 adds its own table beside 1.2's).

export const DEFAULT_FOCUS_VERSION = '1.2';

/** A priced part of a record: what is counted, in which unit, at which price. */
interface Component {
  key: 'vcpu' | 'memory' | 'disk-io' | 'network' | 'monitor-polls' | 'monitor-probes' | 'monitor-actions';
  /** Listed only when counted (monitoring is priced per appliance that has it). */
  optional?: boolean;
  unit: string;
  description: string;
  quantity(r: ExportRow): number;
  price(rate: Rate | undefined): number;
}

const GB = 1e9;
export const COMPONENTS: Component[] = [
  {
    key: 'vcpu',
    unit: 'vCPU-Hours',
    description: 'vCPU allocated to a VM',
    quantity: (r) => r.vcpuSeconds / 3600,
    price: (x) => x?.vcpuHour ?? 0,
  },
  {
    key: 'memory',
    unit: 'GiB-Hours',
    description: 'Memory allocated to a VM',
    quantity: (r) => r.memoryMibSeconds / 1024 / 3600,
    price: (x) => x?.memoryGibHour ?? 0,
  },
  {
    key: 'disk-io',
    unit: 'GB',
    description: 'Disk I/O of a VM (read + written)',
    quantity: (r) => (r.diskReadBytes + r.diskWriteBytes) / GB,
    price: (x) => x?.diskIoGb ?? 0,
  },
  {
    key: 'network',
    unit: 'GB',
    description: 'Network traffic of a VM (received + sent)',
    quantity: (r) => (r.netRxBytes + r.netTxBytes) / GB,
    price: (x) => x?.networkGb ?? 0,
  },
];

/** The monitor dimension (issue 14): rows only for records that counted it. */
export const MONITOR_COMPONENTS: Component[] = [
  {
    key: 'monitor-polls',
    unit: '1000 Polls',
    description: 'Appliance polls of the monitor',
    quantity: (r) => (r.monitorPolls ?? 0) / 1000,
    price: (x) => x?.monitorKPolls ?? 0,
    optional: true,
  },
  {
    key: 'monitor-probes',
    unit: 'Probe-Hours',
    description: 'Appliance probes run by the monitor',
    quantity: (r) => (r.monitorProbeSeconds ?? 0) / 3600,
    price: (x) => x?.monitorProbeHour ?? 0,
    optional: true,
  },
  {
    key: 'monitor-actions',
    unit: 'Actions',
    description: 'Control actions of the monitor',
    quantity: (r) => r.monitorActions ?? 0,
    price: (x) => x?.monitorAction ?? 0,
    optional: true,
  },
];

const ALL_COMPONENTS = [...COMPONENTS, ...MONITOR_COMPONENTS];

/** What a column's value is computed from. */
export interface FocusCell {
  row: ExportRow;
  component: Component;
  quantity: number;
  unitPrice: number;
  cost: number;
  pricer: Pricer;
  iso: IsoCache;
  provider: string;
}

export interface FocusColumn {
  name: string;
  /** The spec's level: Mandatory, Conditional, Recommended; x_ columns are ours. */
  level: 'M' | 'C' | 'R' | 'x';
  /** What the value depends on: nothing, the record, or the record's component (computed that often). */
  scope: 'const' | 'row' | 'component';
  value(c: FocusCell): string | number;
}

/** First of the calendar month (UTC) holding `ms`, and of the next one: the billing period. */
const monthOf = (ms: number): [number, number] => {
  const d = new Date(ms);
  return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
};

/** Columns whose value depends on the component; the rest are computed once per record (or once). */
const PER_COMPONENT = new Set([
  'BilledCost',
  'ChargeDescription',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ContractedCost',
  'ContractedUnitPrice',
  'EffectiveCost',
  'ListCost',
  'ListUnitPrice',
  'PricingQuantity',
  'PricingUnit',
  'SkuId',
  'SkuPriceId',
  'x_Component',
]);
const CONSTANT = new Set([
  'BillingAccountId',
  'BillingAccountName',
  'BillingAccountType',
  'BillingCurrency',
  'ChargeCategory',
  'ChargeClass',
  'ChargeFrequency',
  'InvoiceIssuerName',
  'PricingCategory',
  'ProviderName',
  'PublisherName',
  'ResourceType',
  'ServiceCategory',
  'ServiceName',
  'ServiceSubcategory',
  'SubAccountType',
  'x_RateCardVersion',
]);

const col = (name: string, level: FocusColumn['level'], value: FocusColumn['value']): FocusColumn => ({
  name,
  level,
  scope: PER_COMPONENT.has(name) ? 'component' : CONSTANT.has(name) ? 'const' : 'row',
  value,
});

/** FOCUS 1.2's columns that apply to metered VM usage (no commitments, capacity reservations or invoices). */
const FOCUS_1_2: FocusColumn[] = [
  col('BilledCost', 'M', (c) => c.cost),
  col('BillingAccountId', 'M', (c) => c.provider),
  col('BillingAccountName', 'M', (c) => c.provider),
  col('BillingAccountType', 'C', () => 'Controller'),
  col('BillingCurrency', 'M', (c) => c.pricer.currency),
  col('BillingPeriodEnd', 'M', (c) => c.iso.iso(monthOf(c.row.startUnixMs)[1])),
  col('BillingPeriodStart', 'M', (c) => c.iso.iso(monthOf(c.row.startUnixMs)[0])),
  col('ChargeCategory', 'M', () => 'Usage'),
  col('ChargeClass', 'M', () => ''), // null: not a correction
  col('ChargeDescription', 'M', (c) => c.component.description),
  col('ChargeFrequency', 'R', () => 'Usage-Based'),
  col('ChargePeriodEnd', 'M', (c) => c.iso.iso(c.row.endUnixMs)),
  col('ChargePeriodStart', 'M', (c) => c.iso.iso(c.row.startUnixMs)),
  col('ConsumedQuantity', 'C', (c) => c.quantity),
  col('ConsumedUnit', 'C', (c) => c.component.unit),
  col('ContractedCost', 'M', (c) => c.cost), // no negotiated discounts: contracted = list
  col('ContractedUnitPrice', 'C', (c) => c.unitPrice),
  col('EffectiveCost', 'M', (c) => c.cost),
  col('InvoiceIssuerName', 'M', (c) => c.provider),
  col('ListCost', 'M', (c) => c.cost),
  col('ListUnitPrice', 'C', (c) => c.unitPrice),
  col('PricingCategory', 'C', () => 'Standard'),
  col('PricingQuantity', 'M', (c) => c.quantity),
  col('PricingUnit', 'M', (c) => c.component.unit),
  col('ProviderName', 'M', (c) => c.provider),
  col('PublisherName', 'M', (c) => c.provider),
  col('ResourceId', 'C', (c) => c.row.vmId ?? ''),
  col('ResourceName', 'C', (c) => c.row.vmName ?? ''),
  col('ResourceType', 'C', () => 'Virtual Machine'),
  col('ServiceCategory', 'M', () => 'Compute'),
  col('ServiceName', 'M', () => 'Nephele Virtual Machines'),
  col('ServiceSubcategory', 'R', () => 'Virtual Machines'),
  col('SkuId', 'C', (c) => `${c.component.key}/${c.row.vmClass ?? ''}`),
  col('SkuPriceId', 'C', (c) => `${c.pricer.version}/${c.component.key}/${c.row.vmClass ?? ''}/${c.row.sla ?? ''}`),
  col('SubAccountId', 'C', (c) => c.row.tenant ?? ''),
  col('SubAccountName', 'C', (c) => c.row.tenant ?? ''),
  col('SubAccountType', 'C', () => 'Tenant'),
  col('Tags', 'C', (c) =>
    JSON.stringify({ app: c.row.app ?? '', user_group: c.row.userGroup ?? '', set: c.row.setId ?? '' }),
  ),
  col('x_Component', 'x', (c) => c.component.key),
  col('x_CpuSeconds', 'x', (c) => c.row.cpuSeconds),
  col('x_MemoryByteSeconds', 'x', (c) => c.row.memoryByteSeconds),
  col('x_DiskReadBytes', 'x', (c) => c.row.diskReadBytes),
  col('x_DiskWriteBytes', 'x', (c) => c.row.diskWriteBytes),
  col('x_NetRxBytes', 'x', (c) => c.row.netRxBytes),
  col('x_NetTxBytes', 'x', (c) => c.row.netTxBytes),
  col('x_UptimeSeconds', 'x', (c) => c.row.uptimeSeconds),
  col('x_RateCardVersion', 'x', (c) => c.pricer.version),
  col('x_HostId', 'x', (c) => c.row.hostId ?? ''),
  col('x_Scheme', 'x', (c) => c.row.scheme ?? ''),
  col('x_VmClass', 'x', (c) => c.row.vmClass ?? ''),
  col('x_Sla', 'x', (c) => c.row.sla ?? ''),
  col('x_RecordId', 'x', (c) => c.row.id ?? ''),
  col('x_Source', 'x', (c) => c.row.source ?? ''),
];

/** Column tables by FOCUS version. */
export const FOCUS_VERSIONS: Record<string, FocusColumn[]> = { '1.2': FOCUS_1_2 };

export function focusColumns(version: string, field = 'focus_version'): FocusColumn[] {
  const v = version || DEFAULT_FOCUS_VERSION;
  const cols = Object.hasOwn(FOCUS_VERSIONS, v) ? FOCUS_VERSIONS[v] : undefined; // own keys: not "constructor"
  if (!cols)
    throw new InvalidArgumentError(field, `must be one of ${Object.keys(FOCUS_VERSIONS).join(', ')} (FOCUS version)`);
  return cols;
}

export function focusFormatter(pricer: Pricer, version: string, provider = 'Nephele'): Formatter {
  const cols = focusColumns(version);
  const iso = new IsoCache();
  const cell: FocusCell = {
    row: undefined as unknown as ExportRow,
    component: COMPONENTS[0]!,
    quantity: 0,
    unitPrice: 0,
    cost: 0,
    pricer,
    iso,
    provider,
  };
  // Constant cells once; record cells once per record; the rest once per component.
  const cells: string[] = cols.map((c) => (c.scope === 'const' ? csvField(c.value(cell)) : ''));
  const rowCols = cols.flatMap((c, i) => (c.scope === 'row' ? [i] : []));
  const compCols = cols.flatMap((c, i) => (c.scope === 'component' ? [i] : []));
  return {
    header: () => cols.map((c) => c.name).join(',') + '\r\n',
    row(r: ExportRow): string {
      const rate = pricer.rate(r);
      cell.row = r;
      for (const i of rowCols) cells[i] = csvField(cols[i]!.value(cell));
      let out = '';
      for (const component of ALL_COMPONENTS) {
        cell.component = component;
        cell.quantity = component.quantity(r);
        if (component.optional && !cell.quantity) continue;
        cell.unitPrice = component.price(rate);
        cell.cost = cell.quantity * cell.unitPrice;
        for (const i of compCols) cells[i] = csvField(cols[i]!.value(cell));
        out += cells.join(',') + '\r\n';
      }
      return out;
    },
  };
}
