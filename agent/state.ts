import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Files the agent keeps in its data dir. Identity files are written via a temp
// file and rename, so a crash never leaves half a certificate.

export interface Identity {
  hostId: string;
  controller: string;
  enrolledAt: string;
}

export class AgentFiles {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  path(name: string): string {
    return join(this.dir, name);
  }
  read(name: string): string | undefined {
    const p = this.path(name);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  }
  write(name: string, data: string, mode = 0o600): void {
    const p = this.path(name);
    writeFileSync(p + '.tmp', data, { mode });
    renameSync(p + '.tmp', p);
  }
  rename(from: string, to: string): void {
    renameSync(this.path(from), this.path(to));
  }
  identity(): Identity | undefined {
    const s = this.read('host.json');
    return s ? (JSON.parse(s) as Identity) : undefined;
  }
  credentials(): { keyPem: string; certPem: string; caPem: string } | undefined {
    const keyPem = this.read('key.pem');
    const certPem = this.read('cert.pem');
    const caPem = this.read('ca.pem');
    return keyPem && certPem && caPem ? { keyPem, certPem, caPem } : undefined;
  }
}
