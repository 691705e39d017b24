// Owner input idle time, the way HTCondor computes KeyboardIdle: the kernel
// updates a terminal's or input device's access/modify time when it is used, so
// the newest of those times among the watched device files is the last input.
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Keyboards and mice (evdev), virtual consoles, pseudo-terminals (ssh and
 * terminal-emulator sessions). /dev/pts/ptmx is the multiplexer, not a
 * terminal, so only the numbered entries count.
 */
export const DEFAULT_OWNER_DEVICES = ['/dev/input/event*', '/dev/tty[0-9]*', '/dev/pts/[0-9]*'];

export interface IdleProbeOptions {
  /** Paths; the last path component may hold * ? and [...] globs. */
  devices?: string[];
  /** Wall-clock milliseconds (file times are wall-clock). */
  now?: () => number;
  /**
   * Terminals only whose atime counts: the agent's own stdout/stderr terminal,
   * whose mtime moves with every log line it writes.
   */
  atimeOnly?: string[];
}

export class InputIdleProbe {
  private readonly patterns: { dir: string; re: RegExp | undefined; name: string }[];
  private readonly atimeOnly: Set<string>;

  constructor(private readonly o: IdleProbeOptions = {}) {
    this.patterns = (o.devices ?? DEFAULT_OWNER_DEVICES).map((p) => {
      const name = basename(p);
      return { dir: dirname(p), name, re: /[*?[]/.test(name) ? globToRegExp(name) : undefined };
    });
    this.atimeOnly = new Set(o.atimeOnly ?? ownTerminals());
  }

  /** The watched device files that exist now (re-listed on every call: terminals come and go). */
  files(): string[] {
    const out: string[] = [];
    for (const p of this.patterns) {
      if (!p.re) {
        out.push(join(p.dir, p.name));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(p.dir);
      } catch {
        continue; // e.g. no /dev/input in a container
      }
      for (const n of names) if (p.re.test(n)) out.push(join(p.dir, n));
    }
    return out;
  }

  /** Milliseconds since the last input; undefined when no watched device exists. */
  idleMs(): number | undefined {
    let newest = -Infinity;
    for (const f of this.files()) {
      try {
        const st = statSync(f);
        newest = Math.max(newest, st.atimeMs, this.atimeOnly.has(f) ? -Infinity : st.mtimeMs);
      } catch {
        /* vanished between listing and stat */
      }
    }
    if (newest === -Infinity) return undefined;
    // A file time in the future (clock step) reads as "just now".
    return Math.max(0, Math.round((this.o.now ?? Date.now)() - newest));
  }
}

/** Translates one path component's glob (* ? [...]) into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/\\/g, '\\\\')
          .replace(/^!/, '^');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The terminal(s) our stdout/stderr write to, if any. */
function ownTerminals(): string[] {
  const out: string[] = [];
  for (const fd of [1, 2]) {
    try {
      const t = readlinkSync(`/proc/self/fd/${fd}`);
      if (t.startsWith('/dev/pts/') || /^\/dev\/tty\d/.test(t)) out.push(t);
    } catch {
      /* not Linux, or closed */
    }
  }
  return out;
}
