import * as grpc from '@grpc/grpc-js';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

// JSON lines with snake_case keys (host_id, rpc, duration_ms); pretty on a TTY.
//
// The rules every line keeps (test/integration/logs.test.ts checks them on a
// real run): a numeric level and a time; snake_case keys; no key both bound to
// a child logger and given again in the call (pino would write it twice); one
// type per key (tls is a boolean everywhere). Levels by severity: failures
// `error`, refusals and degraded states `warn`, lifecycle `info`, per-beat and
// per-report chatter `debug`.

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** What breaks the key rules in one log call: its own keys against the logger's bindings. */
export function keyProblems(fields: unknown, bindings: Record<string, unknown>): string[] {
  if (!fields || typeof fields !== 'object' || fields instanceof Error) return [];
  const problems: string[] = [];
  for (const k of Object.keys(fields)) {
    if (!SNAKE.test(k)) problems.push(`${k}: not snake_case`);
    if (k in bindings) problems.push(`${k}: already bound to this logger`);
  }
  return problems;
}

/**
 * NEPHELE_LOG_STRICT=1 (dev and tests): a call breaking the key rules is
 * flagged by an error line of its own, beside the line as written.
 */
function strictHooks(): LoggerOptions['hooks'] {
  return {
    logMethod(args, method) {
      const problems = keyProblems(args[0], this.bindings());
      if (problems.length)
        this.error({ log_key_problems: problems, log_msg: String(args[1] ?? '') }, 'log call breaks the key rules');
      method.apply(this, args);
    },
  };
}

/** Whether logs are JSON lines: not a terminal, or NEPHELE_LOG_JSON set. */
export function jsonLogs(): boolean {
  return !process.stdout.isTTY || !!process.env.NEPHELE_LOG_JSON;
}

export function createLogger(
  name: string,
  opts: { level?: string; pretty?: boolean; destination?: number } = {},
): Logger {
  const level = opts.level ?? process.env.NEPHELE_LOG_LEVEL ?? 'info';
  const pretty = opts.pretty ?? !jsonLogs();
  // `service`, not pino's `name`: VMs and hosts have names, which calls log as `name`.
  const base: LoggerOptions = {
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(process.env.NEPHELE_LOG_STRICT === '1' ? { hooks: strictHooks() } : {}),
  };
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return pino(base, pino.destination(opts.destination ?? 1));
}

/**
 * A process's last line, written before it returns: process.exit does not
 * wait for the asynchronous destination of createLogger's loggers.
 */
export function logFatalSync(service: string, fields: object, msg: string): void {
  const dest = pino.destination({ dest: 1, sync: true });
  pino({ base: { service }, timestamp: pino.stdTimeFunctions.isoTime }, dest).fatal(fields, msg);
}

/** Where logs are JSON, an uncaught error is a `fatal` line too (not a bare stack on stderr), then exit 1. */
export function exitOnUncaught(service: string): void {
  if (!jsonLogs()) return;
  const die = (err: unknown, msg: string) => {
    logFatalSync(service, { err }, msg);
    process.exit(1);
  };
  process.on('uncaughtException', (err) => die(err, 'uncaught exception'));
  process.on('unhandledRejection', (err) => die(err, 'unhandled rejection'));
}

const S = grpc.status;
// Refusals, and UNAVAILABLE: what a controller that cannot write its store answers (a degraded state).
const REFUSAL = new Set<number>([
  S.INVALID_ARGUMENT,
  S.PERMISSION_DENIED,
  S.UNAUTHENTICATED,
  S.RESOURCE_EXHAUSTED,
  S.OUT_OF_RANGE,
  S.UNAVAILABLE,
]);
const SERVER_FAULT = new Set<number>([S.UNKNOWN, S.INTERNAL, S.DATA_LOSS]);

/** The level of a finished RPC's line: server faults `error`, refusals `warn`, the rest (not found, conflicts) `info`. */
export function rpcLevel(code: number): 'error' | 'warn' | 'info' {
  return SERVER_FAULT.has(code) ? 'error' : REFUSAL.has(code) ? 'warn' : 'info';
}

/** An event's severity as the level of its log line. */
export function severityLevel(severity: string): 'info' | 'warn' | 'error' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warn' : 'info';
}

export const silentLogger: Logger = pino({ level: 'silent' });
