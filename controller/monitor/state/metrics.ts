// The state table's figures for Prometheus, read on scrape from its counters:
// how many report entries it applied (stored changes, polled marks) and
// ignored, and how many rows it holds. The benchmark reads them to know when
// the controller has applied what the agents sent.
import type { Registry } from 'prom-client';
import { counterFrom, gaugeFrom } from '../../../common/metrics/registry.js';
import type { ApplianceTable } from './table.js';

export function stateMetrics(registry: Registry, table: Pick<ApplianceTable, 'stats' | 'size'>): void {
  counterFrom(
    registry,
    'monitor_state_changes_total',
    'appliance states that changed a state-table row (stored)',
    () => table.stats.changes,
  );
  counterFrom(
    registry,
    'monitor_state_marks_total',
    'appliance polls without change applied to the state table (poll counters, flushed now and then)',
    () => table.stats.marks,
  );
  counterFrom(
    registry,
    'monitor_state_ignored_total',
    'appliance report entries ignored (not a VM of the reporting host, or a report over its bounds)',
    () => table.stats.ignored,
  );
  gaugeFrom(registry, 'monitor_appliances', 'rows in the appliance state table', () => table.size);
}
