import { F } from '../codec.js';
import { costOf } from '../model.js';
import type { Formatter } from './format.js';
import type { LineView } from './line-view.js';
import { IsoCache, type ExportRow, type Pricer } from './row.js';

const SPECIAL = /[",\r\n]/;

/** One RFC 4180 field: quoted (quotes doubled) only when it holds a comma, quote or line break. */
export function csvField(v: string | number): string {
  if (typeof v === 'number') return String(v);
  return SPECIAL.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export const csvLine = (fields: (string | number)[]): string => fields.map(csvField).join(',') + '\r\n';

export const CSV_COLUMNS = [
  'start',
  'end',
  'record_id',
  'source',
  'tenant',
  'app',
  'user_group',
  'set_id',
  'vm_id',
  'vm_name',
  'host_id',
  'scheme',
  'vm_class',
  'sla',
  'vcpus',
  'memory_mib',
  'cpu_seconds',
  'memory_byte_seconds',
  'disk_read_bytes',
  'disk_write_bytes',
  'net_rx_bytes',
  'net_tx_bytes',
  'uptime_seconds',
  'vcpu_seconds',
  'memory_mib_seconds',
  'records',
  'monitor_polls',
  'monitor_probe_seconds',
  'monitor_actions',
  'cost_vcpu',
  'cost_memory',
  'cost_disk_io',
  'cost_network',
  'cost_monitor',
  'cost_total',
  'currency',
  'rate_card_version',
] as const;

/** One row per record (or rollup row): dimensions, period, counters, cost per component. */
export function csvFormatter(pricer: Pricer): Formatter {
  const t = new IsoCache();
  const f = (s: string | undefined) => (s ? (SPECIAL.test(s) ? csvField(s) : s) : '');
  const tail = `,${csvField(pricer.currency)},${pricer.version}\r\n`;
  // What costOf gives without a rate: every component 0.
  const unpriced = ',0,0,0,0,0,0';
  return {
    header: () => CSV_COLUMNS.join(',') + '\r\n',
    row(r: ExportRow): string {
      const c = pricer.cost(r);
      // One template per row: the hot path of a million-record export.
      return (
        `${t.iso(r.startUnixMs)},${t.iso(r.endUnixMs)},${f(r.id)},${f(r.source)},${f(r.tenant)},${f(r.app)},` +
        `${f(r.userGroup)},${f(r.setId)},${f(r.vmId)},${f(r.vmName)},${f(r.hostId)},${f(r.scheme)},` +
        `${f(r.vmClass)},${f(r.sla)},${r.vcpus ?? ''},${r.memoryMib ?? ''},${r.cpuSeconds},${r.memoryByteSeconds},` +
        `${r.diskReadBytes},${r.diskWriteBytes},${r.netRxBytes},${r.netTxBytes},${r.uptimeSeconds},` +
        `${r.vcpuSeconds},${r.memoryMibSeconds},${r.records},${r.monitorPolls ?? 0},${r.monitorProbeSeconds ?? 0},` +
        `${r.monitorActions ?? 0},${c.vcpu},${c.memory},${c.diskIo},${c.network},${c.monitor},${c.total}${tail}`
      );
    },
    // The same line from a stored record: its fields record_id..monitor_actions are stored in these
    // columns' order and escaped as csvField escapes them, so they are copied as one slice.
    line(v: LineView): string {
      const rate = pricer.card && pricer.rate({ vmClass: v.str(F.vmClass), sla: v.str(F.sla) as ExportRow['sla'] });
      let cost = unpriced;
      if (rate) {
        const c = costOf(v.metrics(), rate);
        cost = `,${c.vcpu},${c.memory},${c.diskIo},${c.network},${c.monitor},${c.total}`;
      }
      return `${t.iso(v.num(F.start))},${t.iso(v.num(F.end))},${v.id()},${v.slice(F.source, F.monitorActions)}${cost}${tail}`;
    },
  };
}
