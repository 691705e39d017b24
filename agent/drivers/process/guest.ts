import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DriverError } from '../driver.js';
import { renderPage, writeReadable } from './files.js';

/** The guest channel of a process VM: its config file stands in for a guest agent. */
export function guestCommand(dir: string, id: string, pid: number, command: string): string {
  const [cmd, key, ...rest] = command.trim().split(/\s+/);
  const file = join(dir, 'config.json');
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  switch (cmd) {
    case 'ping':
      return 'pong';
    case 'config-get':
      if (!key || !(key in cfg)) throw new DriverError('no such key', 'NOT_FOUND');
      return cfg[key]!;
    case 'config-set':
      if (!key || !/^[a-z0-9_-]+$/.test(key)) throw new DriverError('bad key', 'INVALID_SPEC');
      writeReadable(file, JSON.stringify({ ...cfg, [key]: rest.join(' ') }));
      renderPage(dir, id);
      return '';
    case 'ps':
      return `${pid}:node`;
    default:
      throw new DriverError(`unknown command ${cmd}`, 'UNSUPPORTED');
  }
}
