// --metrics-listen / --metrics-public, the same on the controller and the agent.
// Off by default. The endpoint has no authentication (and process metrics say
// much about a host), so a non-loopback address needs an explicit opt-in.
import { Option } from 'commander';

export interface MetricsListen {
  host: string;
  port: number;
  /** Bound beyond loopback (the operator said so). */
  public: boolean;
}

export const DEFAULT_METRICS_PORT = { controller: 9464, agent: 9465 };

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/i;

/** --metrics-listen, for either program (`port`: the one its help suggests). */
export function metricsListenOption(port: number): Option {
  return new Option(
    '--metrics-listen <host:port>',
    `serve Prometheus metrics at http://<host:port>/metrics, e.g. 127.0.0.1:${port} (default: off). ` +
      'UNAUTHENTICATED: anyone who can reach it reads them; loopback only unless --metrics-public',
  ).env('NEPHELE_METRICS_LISTEN');
}

/** A flag only, no variable: exposing an unauthenticated endpoint is said on the command line, on purpose. */
export function metricsPublicOption(): Option {
  return new Option(
    '--metrics-public',
    'allow --metrics-listen on a non-loopback address (the endpoint has no authentication: firewall it)',
  );
}

/** Checks the flags; throws one line naming the flag. Undefined: metrics are off. */
export function parseMetricsListen(listen: string | undefined, allowPublic = false): MetricsListen | undefined {
  if (listen === undefined || listen === '') return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535)
    throw new Error(`--metrics-listen: ${JSON.stringify(listen.slice(0, 80))} must be host:port, e.g. 127.0.0.1:9464`);
  const host = m[1]!;
  const loopback = LOOPBACK.test(host);
  if (!loopback && !allowPublic)
    throw new Error(
      `--metrics-listen: ${host} is not a loopback address and the metrics endpoint has no authentication; ` +
        `use 127.0.0.1:${port} or add --metrics-public`,
    );
  return { host, port, public: !loopback };
}
