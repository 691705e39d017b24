// virsh as the libvirt client: execFile with argument arrays (never a shell),
// a timeout on every call and bounded output. Chosen over speaking libvirt's
// RPC on its socket ourselves: the protocol is XDR with no kept Node client, and
// virsh is what an operator types too, so its errors read the same in our logs.
import { execFile } from 'node:child_process';
import { DriverError } from '../driver.js';

/** Where the agent's libvirtd answers: --libvirt-uri / NEPHELE_LIBVIRT_URI. */
export const DEFAULT_LIBVIRT_URI = 'qemu:///system';
const MAX_OUTPUT = 1 << 20;

export type DomainState = 'running' | 'paused' | 'shut off' | 'crashed' | 'pmsuspended' | 'in shutdown' | 'other';

export class Virsh {
  constructor(
    readonly uri: string,
    private readonly binary = 'virsh',
  ) {}

  /** One virsh call; rejects with virsh's own error line. */
  run(args: string[], timeoutMs = 15_000): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        this.binary,
        ['-q', '-c', this.uri, ...args],
        { timeout: timeoutMs, maxBuffer: MAX_OUTPUT, killSignal: 'SIGKILL', env: { ...process.env, LC_ALL: 'C' } },
        (err, stdout, stderr) => {
          if (!err) return resolve(stdout);
          const msg = (stderr || err.message).trim().split('\n').filter(Boolean).slice(0, 3).join(' | ');
          const timedOut = (err as { killed?: boolean }).killed;
          reject(new VirshError(`virsh ${args[0]}: ${timedOut ? `no answer in ${timeoutMs} ms` : msg}`));
        },
      );
    });
  }

  /** libvirt's and the hypervisor's versions (the fingerprint's liveness check). */
  async version(timeoutMs = 5_000): Promise<{ libvirt: string; hypervisor: string }> {
    const out = await this.run(['version'], timeoutMs);
    return {
      libvirt: /Using library: libvirt (\S+)/.exec(out)?.[1] ?? '',
      hypervisor: /Running hypervisor: \S+ (\S+)/.exec(out)?.[1] ?? '',
    };
  }

  /** The domain's state; undefined when no such domain is defined. */
  async domstate(name: string): Promise<{ state: DomainState; reason: string } | undefined> {
    try {
      const out = (await this.run(['domstate', '--reason', name], 5_000)).trim();
      const m = /^(running|paused|shut off|crashed|pmsuspended|in shutdown)\s*(?:\((.*)\))?$/.exec(out);
      return m ? { state: m[1] as DomainState, reason: m[2] ?? '' } : { state: 'other', reason: out };
    } catch (e) {
      if (e instanceof VirshError && e.noDomain) return undefined;
      throw e;
    }
  }

  /** `virsh domstats` of one domain as key → value. */
  async domstats(name: string): Promise<Map<string, string>> {
    const out = await this.run(
      ['domstats', '--state', '--cpu-total', '--balloon', '--block', '--interface', name],
      5_000,
    );
    return parseDomstats(out);
  }
}

export class VirshError extends DriverError {
  /** The domain is not defined (virsh: "failed to get domain"). */
  get noDomain(): boolean {
    return /failed to get domain|Domain not found/i.test(this.message);
  }
}

/** `  key=value` lines of domstats (the `Domain: '…'` header skipped); at most 4096 keys. */
export function parseDomstats(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i <= 0) continue;
    m.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
    if (m.size >= 4096) break;
  }
  return m;
}
