// What a process VM's directory holds for its workload: the busybox appliance's
// page rendered from the config, and the environment a task or appliance gets.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VmSpec } from '../driver.js';
import { vmPaths } from './sandbox.js';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The busybox appliance serves files: render its page and health check from the
 * config. World-readable whatever the agent's umask: the appliance reads them as the VM's uid.
 */
export function renderPage(dir: string, id: string): void {
  let cfg: Record<string, string> = {};
  try {
    cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, string>;
  } catch {
    /* defaults */
  }
  const title = cfg.title || 'Nephele appliance';
  const www = join(dir, 'www');
  mkdirSync(www, { recursive: true });
  chmodSync(www, 0o755);
  writeReadable(
    join(www, 'index.html'),
    `<!doctype html><title>${esc(title)}</title><h1>${esc(title)}</h1><p>vm ${esc(id)}</p>\n`,
  );
  writeReadable(join(www, 'health'), 'ok\n');
}

/** Writes in place (a file bound into a running sandbox keeps its inode), mode 0644. */
export function writeReadable(file: string, data: string): void {
  writeFileSync(file, data);
  chmodSync(file, 0o644);
}

/** A task's whole environment: it must not see the agent's (join token, credentials paths). */
export function taskEnv(spec: VmSpec, dir: string): NodeJS.ProcessEnv {
  const p = vmPaths(dir);
  return { ...cleanEnv(), HOME: p.home, NEPHELE_VM_ID: spec.id, NEPHELE_VM_NAME: spec.name, NEPHELE_CONFIG: p.config };
}

export function cleanEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
}

/**
 * Where a task VM's wrapper records the task's exit status (survives an agent
 * restart: the wrapper may outlive the agent that started it and is then
 * nobody's child the agent can wait for). In the VM's root-only dir: the task
 * cannot touch it.
 */
export const EXIT_FILE = 'exit-code';

export function readExitCode(dir: string): number | undefined {
  try {
    const s = readFileSync(join(dir, EXIT_FILE), 'utf8').trim();
    return /^\d{1,3}$/.test(s) ? Number(s) : undefined;
  } catch {
    return undefined;
  }
}
