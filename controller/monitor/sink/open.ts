import type { Logger } from '../../../common/logger.js';
import type { MonitorSink } from '../ports.js';
import { JsonlSink } from './jsonl.js';
import { PostgresSink } from './postgres.js';
import { parseStoreUrl } from './url.js';

/** The sink a --monitor-store URL names. */
export function openSink(url: string, log: Logger): MonitorSink {
  const u = parseStoreUrl(url);
  return u.kind === 'postgres' ? new PostgresSink(u.url, log) : new JsonlSink(u.dir);
}
