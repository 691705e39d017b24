// The agent's Prometheus metrics, in a registry of its own: VMs by phase,
// driver errors by driver and operation, the session (connected, reconnects)
// and the outbox depth. Labels are closed lists: never a VM id.
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../common/logger.js';
import { counterFrom, gaugeFrom, newRegistry, PREFIX } from '../common/metrics/registry.js';
import { serveMetrics, type MetricsServer } from '../common/metrics/http.js';
import type { MetricsListen } from '../common/metrics/listen.js';
import type { Driver } from './drivers/driver.js';

/** The driver operations whose failures are counted (the label's closed list). */
export const DRIVER_OPS = new Set([
  'create',
  'start',
  'recover',
  'stop',
  'destroy',
  'suspend',
  'resume',
  'reboot',
  'inspect',
  'stats',
  'guestRequest',
  'taskExit',
  // management instances
  'tokenPut',
  'tokenHash',
  'tokenRemove',
  'configure',
  'capture',
  'setHidden',
]);

const PHASES = ['creating', 'running', 'suspended', 'stopped', 'failed'];

/** A driver whose failed operations (thrown or rejected) are counted; it behaves as the original otherwise. */
export function countingErrors(d: Driver, failed: (driver: string, op: string) => void): Driver {
  return new Proxy(d, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      const fn = v as (...a: unknown[]) => unknown;
      if (typeof prop !== 'string' || !DRIVER_OPS.has(prop)) return fn.bind(target);
      return (...args: unknown[]) => {
        try {
          const r = fn.apply(target, args);
          return r instanceof Promise ? r.catch((e: unknown) => (failed(target.scheme, prop), Promise.reject(e))) : r;
        } catch (e) {
          failed(target.scheme, prop);
          throw e;
        }
      };
    },
  });
}

export interface AgentSources {
  phases(): Map<string, number>;
  connected(): boolean;
  /** Sessions the controller welcomed since start. */
  established(): number;
  outboxDepth(): number;
  /** Usage batches dropped to keep the outbox bounded (the controller was away too long). */
  usageDropped?(): number;
  /** Bytes of base images in the image cache. */
  imageCacheBytes?(): number;
  /** Management commands running or waiting. */
  commandsPending?(): number;
}

export class AgentMetrics {
  readonly registry: Registry = newRegistry();
  private readonly driverErrors: Counter<'driver' | 'operation'>;

  constructor(private readonly log: Logger) {
    this.driverErrors = new Counter({
      name: `${PREFIX}agent_driver_errors_total`,
      help: 'driver operations that failed, by driver (scheme) and operation',
      labelNames: ['driver', 'operation'],
      registers: [this.registry],
    });
  }

  drivers(ds: Driver[]): Driver[] {
    return ds.map((d) => countingErrors(d, (driver, operation) => this.driverErrors.inc({ driver, operation })));
  }

  attach(s: AgentSources): void {
    const r = this.registry;
    gaugeFrom(
      r,
      'agent_vms',
      'VMs on this host by phase',
      () => {
        const m = s.phases();
        return [...new Set([...PHASES, ...m.keys()])].map((state) => [{ state }, m.get(state) ?? 0]);
      },
      ['state'],
    );
    gaugeFrom(r, 'agent_session_connected', '1 while a session with the controller is open', () =>
      s.connected() ? 1 : 0,
    );
    counterFrom(r, 'agent_session_reconnects_total', 'sessions re-established after the first', () =>
      Math.max(0, s.established() - 1),
    );
    gaugeFrom(r, 'agent_outbox_depth', 'events and VM reports waiting for the controller to store them', () =>
      s.outboxDepth(),
    );
    counterFrom(
      r,
      'agent_usage_batches_dropped_total',
      'usage batches dropped: the outbox backlog was over its bound',
      () => s.usageDropped?.() ?? 0,
    );
    gaugeFrom(
      r,
      'agent_image_cache_bytes',
      'bytes of base images (linked clones) in the image cache',
      () => s.imageCacheBytes?.() ?? 0,
    );
    gaugeFrom(r, 'agent_commands_pending', 'management commands running or waiting', () => s.commandsPending?.() ?? 0);
  }

  serve(at: MetricsListen): Promise<MetricsServer> {
    return serveMetrics(this.registry, at, this.log);
  }
}
