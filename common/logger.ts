import { pino, type Logger } from 'pino';

export type { Logger };

// JSON lines with snake_case keys (host_id, rpc, duration_ms); pretty on a TTY.
export function createLogger(
  name: string,
  opts: { level?: string; pretty?: boolean; destination?: number } = {},
): Logger {
  const level = opts.level ?? process.env.NEPHELE_LOG_LEVEL ?? 'info';
  const pretty = opts.pretty ?? (process.stdout.isTTY && !process.env.NEPHELE_LOG_JSON);
  if (pretty) {
    return pino({
      name,
      level,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return pino(
    { name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination(opts.destination ?? 1),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
