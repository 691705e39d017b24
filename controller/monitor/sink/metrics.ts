// Gauges of the external appliance store, read on scrape (the coordinator
// registers them in ControllerMetrics' registry when --monitor-store is set).
import { Gauge, type Registry } from 'prom-client';
import { PREFIX } from '../../../common/metrics/registry.js';
import type { MonitorMirror } from '../ports.js';

export function mirrorMetrics(registry: Registry, mirror: MonitorMirror): void {
  new Gauge({
    name: `${PREFIX}monitor_store_backlog`,
    help: 'state-table rows and actions waiting for the external store (saturates at 100000)',
    registers: [registry],
    async collect() {
      this.set(await mirror.backlog());
    },
  });
  new Gauge({
    name: `${PREFIX}monitor_store_healthy`,
    help: '1 while the last write to the external store succeeded, else 0',
    registers: [registry],
    collect() {
      this.set(mirror.lastError() === '' ? 1 : 0);
    },
  });
}
