import { X509Certificate, createPrivateKey } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

// Files the agent keeps in its data dir. Identity files are written via a temp
// file, fsync and rename, so a crash never leaves half a certificate.

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
    const fd = openSync(p + '.tmp', 'w', mode);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(p + '.tmp', p);
    this.syncDir();
  }
  rename(from: string, to: string): void {
    renameSync(this.path(from), this.path(to));
    this.syncDir();
  }
  remove(name: string): void {
    rmSync(this.path(name), { force: true });
  }
  /** Makes renames in the data dir durable. */
  private syncDir(): void {
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  identity(): Identity | undefined {
    const s = this.read('host.json');
    return s ? (JSON.parse(s) as Identity) : undefined;
  }
  /** Key, certificate and CA; first finishes or undoes a renewal a crash interrupted. */
  credentials(): { keyPem: string; certPem: string; caPem: string } | undefined {
    this.recoverRenewal();
    const keyPem = this.read('key.pem');
    const certPem = this.read('cert.pem');
    const caPem = this.read('ca.pem');
    return keyPem && certPem && caPem ? { keyPem, certPem, caPem } : undefined;
  }

  /**
   * A renewal writes key.pem.next and cert.pem.next, then renames each over
   * the current file (renewalSteps). After a crash at any point, the newest
   * pair whose key matches its certificate is installed and the leftovers go:
   * both new files, the new key already in place with its certificate still
   * pending, or else the old pair untouched.
   */
  private recoverRenewal(): void {
    for (const n of ['key.pem', 'cert.pem', 'key.pem.next', 'cert.pem.next']) this.remove(`${n}.tmp`);
    const keyNext = this.read('key.pem.next');
    const certNext = this.read('cert.pem.next');
    if (!keyNext && !certNext) return;
    if (keyNext && certNext && keyMatchesCert(keyNext, certNext)) {
      this.rename('key.pem.next', 'key.pem');
      this.rename('cert.pem.next', 'cert.pem');
      return;
    }
    const key = this.read('key.pem');
    if (key && certNext && keyMatchesCert(key, certNext)) this.rename('cert.pem.next', 'cert.pem');
    this.remove('key.pem.next');
    this.remove('cert.pem.next');
  }
}

/** The file steps of installing a renewed key and certificate, in order: a crash may stop after any of them. */
export function renewalSteps(files: AgentFiles, keyPem: string, certPem: string): (() => void)[] {
  return [
    () => files.write('key.pem.next', keyPem),
    () => files.write('cert.pem.next', certPem),
    () => files.rename('key.pem.next', 'key.pem'),
    () => files.rename('cert.pem.next', 'cert.pem'),
  ];
}

export function keyMatchesCert(keyPem: string, certPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}
