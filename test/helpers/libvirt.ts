// The one libvirtd of a test file: libvirtd + virtlogd (libvirt 9's monolithic
// daemon needs virtlogd or `virsh start` fails) in a private mount namespace
// whose /run/libvirt, /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt and
// /etc/libvirt are directories of a temp dir, so test files (and a libvirtd of
// the host) never see each other's domains; the socket is reachable from
// outside at <dir>/run/libvirt-sock. Under `tini -s`, a subreaper: the QEMUs
// libvirtd daemonizes are reaped at once (without it a destroy takes 1.2–2 s).
// Outside CI a machine without libvirt skips the file loudly; in CI it fails.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { tmpDir } from './tmp.js';
import { waitFor } from './wait.js';

const TOOLS = ['libvirtd', 'virtlogd', 'virsh', 'virt-xml-validate', 'xmllint', 'tini', 'unshare'];

export const haveLibvirt =
  spawnSync('sh', ['-c', TOOLS.map((x) => `command -v ${x} >/dev/null`).join(' && ')]).status === 0;

/** Call at the top of the file. */
export function libvirtOrSkip(name: string): void {
  if (!haveLibvirt && process.env.CI !== 'true') {
    t.comment(`SKIPPING ${name}: libvirt (${TOOLS.join(', ')}) not installed (in CI this fails instead)`);
    process.exit(0);
  }
}

// Fixed text, the temp dir is its only argument ($1): binds the dirs, starts virtlogd, becomes libvirtd.
const START = `set -eu
D="$1"
mkdir -p /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt /etc/libvirt
mount --bind "$D/run" /run/libvirt
mount --bind "$D/lib" /var/lib/libvirt
mount --bind "$D/log" /var/log/libvirt
mount --bind "$D/cache" /var/cache/libvirt
mount --bind "$D/etc" /etc/libvirt
mount --bind "$D/passwd" /etc/passwd
mount --bind "$D/group" /etc/group
virtlogd -d -p "$D/run/virtlogd.pid"
exec libvirtd -p "$D/run/libvirtd.pid"
`;

export interface Libvirtd {
  /** For --libvirt-uri / virsh -c. */
  uri: string;
  dir: string;
  /** virsh against this libvirtd (argument array, no shell). */
  virsh(args: string[]): { status: number | null; stdout: string; stderr: string };
  stop(): Promise<void>;
}

/** Starts libvirtd + virtlogd and resolves once `virsh version` answers (30 s). */
export async function startLibvirtd(): Promise<Libvirtd> {
  const dir = tmpDir('nlv-');
  for (const d of ['run', 'lib', 'log', 'cache', 'etc']) mkdirSync(join(dir, d));
  // Only root reaches the socket.
  writeFileSync(
    join(dir, 'etc/libvirtd.conf'),
    'unix_sock_rw_perms = "0700"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\n',
  );
  writeFileSync(join(dir, 'etc/virtlogd.conf'), '');
  // Its QEMUs run as root (as the domains' <seclabel> asks anyway): probed as the default libvirt-qemu, a
  // /dev/kvm it cannot open made libvirt re-probe QEMU's capabilities on every define (≈4 s, 11–13 s under load).
  writeFileSync(join(dir, 'etc/qemu.conf'), 'user = "root"\ngroup = "root"\n');
  // libvirt's qemu driver refuses to start without its default user (Debian's libvirt-daemon-system makes it).
  copyFileSync('/etc/passwd', join(dir, 'passwd'));
  copyFileSync('/etc/group', join(dir, 'group'));
  const has = (f: string, name: string) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .some((l) => l.startsWith(`${name}:`));
  if (!has('passwd', 'libvirt-qemu'))
    writeFileSync(join(dir, 'passwd'), 'libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin\n', {
      flag: 'a',
    });
  if (!has('group', 'libvirt-qemu')) writeFileSync(join(dir, 'group'), 'libvirt-qemu:x:64055:\n', { flag: 'a' });
  if (!has('group', 'kvm')) writeFileSync(join(dir, 'group'), 'kvm:x:64056:\n', { flag: 'a' });
  writeFileSync(join(dir, 'start.sh'), START);
  const logFd = openSync(join(dir, 'daemon.log'), 'a');
  const child = spawn('tini', ['-s', '--', 'unshare', '-m', '--', 'sh', join(dir, 'start.sh'), dir], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));
  const uri = `qemu+unix:///system?socket=${join(dir, 'run/libvirt-sock')}`;
  const virsh = (args: string[]) => {
    const r = spawnSync('virsh', ['-q', '-c', uri, ...args], { encoding: 'utf8', timeout: 30_000 });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const tail = () => readFileSync(join(dir, 'daemon.log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
  await waitFor(
    () => {
      if (exited) throw new Error(`libvirtd exited: ${tail()}`);
      return virsh(['version']).status === 0;
    },
    { timeoutMs: 30_000, message: 'libvirtd answers' },
  );
  return {
    uri,
    dir,
    virsh,
    async stop() {
      if (exited || !child.pid) return;
      // Killing the init of the namespace's tree: libvirtd and virtlogd first (tini forwards SIGTERM).
      for (const f of ['libvirtd.pid', 'virtlogd.pid']) {
        try {
          process.kill(Number(readFileSync(join(dir, 'run', f), 'utf8').trim()), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      await waitFor(() => exited, { timeoutMs: 10_000, message: 'libvirtd stopped' }).catch(() => {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      });
    },
  };
}

/** virt-xml-validate's verdict on a domain XML: '' when valid, else its complaint. */
export function validateDomainXml(xml: string): string {
  const f = join(tmpDir('nlvx-'), 'domain.xml');
  writeFileSync(f, xml);
  const r = spawnSync('virt-xml-validate', [f, 'domain'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? '' : `${r.stdout}${r.stderr}`.trim() || `exit ${r.status}`;
}
