// Prometheus metrics shared by both programs: one registry per process context
// (never prom-client's global one, so two controllers in one test process do
// not share or clash), the default process metrics in it, and counters and
// gauges read on scrape from plain numbers the capabilities already keep (they
// never import prom-client).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export const PREFIX = 'nephele_';

/** Latency buckets in seconds, 1 ms to 10 s: RPCs and store writes share them. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export function newRegistry(): Registry {
  const registry = new Registry();
  // Unprefixed (process_cpu_seconds_total, nodejs_heap_size_used_bytes): the names dashboards expect.
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * A counter whose value is a running total kept elsewhere (a plain number
 * that only grows): on each scrape it advances by what that total grew.
 * `read` returns one total, or a total per label set.
 */
export function counterFrom<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  read: () => number | [Partial<Record<L, string>>, number][],
  labelNames: L[] = [],
): Counter<L> {
  const seen = new Map<string, number>();
  return new Counter<L>({
    name: PREFIX + name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      const v = read();
      for (const [labels, now] of typeof v === 'number' ? [[{}, v] as const] : v) {
        const key = JSON.stringify(labels);
        const before = seen.get(key) ?? 0;
        if (now > before) this.inc(labels, now - before);
        seen.set(key, Math.max(before, now));
      }
    },
  });
}

/** A gauge read on scrape; `read` returns one value, or a value per label set. */
export function gaugeFrom<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  read: () => number | [Partial<Record<L, string>>, number][],
  labelNames: L[] = [],
): Gauge<L> {
  return new Gauge<L>({
    name: PREFIX + name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      const v = read();
      if (typeof v === 'number') return void this.set(v);
      this.reset(); // a label set that went away reads absent, not stale
      for (const [labels, n] of v) this.set(labels, n);
    },
  });
}
