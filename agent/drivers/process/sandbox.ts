import { spawn } from 'node:child_process';
import { chmodSync, lchownSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

// The sandbox of a process VM's workload, after Nomad's exec driver: its own root
// (a tmpfs holding the system's /usr and /etc read-only, a fresh /proc that shows
// only its own processes, a minimal /dev, a private /tmp and /dev/shm, and the
// VM's home as the only writable place), new mount, PID, IPC and UTS namespaces
// (a task also gets a network namespace with nothing in it), and a uid of its
// own with no capabilities and no way to gain any (setpriv: no_new_privs, empty
// bounding set). The agent's data dir, other VMs' dirs, QMP sockets and overlays
// are not in that root at all. util-linux (unshare, mount, setpriv) and
// coreutils (chroot) do the work, as real root.
//
// A VM's dir (<state dir>/<id>, root-only) keeps what the agent reads and writes
// — handle.json, exit-code, uid, console.log, and config.json and www/ (bound
// read-only into the sandbox) — out of the tenant's reach; the tenant writes
// only <dir>/home, which the agent never writes into (no symlink of the
// tenant's can redirect an agent write). Paths inside are the host's paths.

export interface UidRange {
  first: number;
  count: number;
}

/** Far above login users and system services; configurable (--process-uids), e.g. away from /etc/subuid ranges. */
export const DEFAULT_UIDS: UidRange = { first: 200_000, count: 65_536 };

/** "200000-265535" (inclusive). */
export function parseUidRange(s: string): UidRange {
  const m = /^\s*(\d{1,10})\s*-\s*(\d{1,10})\s*$/.exec(s);
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || first < 1000 || last < first || last > 0xfffffffe - 1)
    throw new Error(`${JSON.stringify(s.slice(0, 40))} must be FIRST-LAST with 1000 <= FIRST <= LAST < 4294967294`);
  return { first, count: last - first + 1 };
}

/** The lowest uid of the range no live VM holds. */
export function pickUid(used: ReadonlySet<number>, range: UidRange): number | undefined {
  for (let u = range.first; u < range.first + range.count; u++) if (!used.has(u)) return u;
  return undefined;
}

/**
 * A VM's recorded uid. Kept even when the range has changed since (its home's
 * files are that uid's), as long as it is an unprivileged uid.
 */
export function parseUid(text: string | undefined): number | undefined {
  const s = text?.trim() ?? '';
  if (!/^\d{1,10}$/.test(s)) return undefined;
  const u = Number(s);
  return u >= 1000 && u < 0xfffffffe ? u : undefined;
}

/** Where a VM's files live. */
export function vmPaths(dir: string) {
  return {
    dir,
    /** The tenant's only writable place (HOME, the task's working dir). */
    home: join(dir, 'home'),
    /** Empty mount point of the sandbox root (a tmpfs, mounted only inside the VM's mount namespace). */
    root: join(dir, '.root'),
    config: join(dir, 'config.json'),
    www: join(dir, 'www'),
    uid: join(dir, 'uid'),
  };
}

/** The uids recorded by the VM dirs under `stateDir` (every VM that exists, running or stopped). */
export function usedUids(stateDir: string, except?: string): Set<number> {
  const out = new Set<number>();
  let names: string[] = [];
  try {
    names = readdirSync(stateDir);
  } catch {
    return out;
  }
  for (const n of names) {
    if (n === except || !/^[0-9A-Z]{26}$/.test(n)) continue;
    let text: string | undefined;
    try {
      text = readFileSync(vmPaths(join(stateDir, n)).uid, 'utf8');
    } catch {
      continue; // a qemu VM, or a process VM from before isolation
    }
    const u = parseUid(text);
    if (u !== undefined) out.add(u);
  }
  return out;
}

/**
 * Makes the VM's dir layout for a sandboxed workload: the dir root-only, the home
 * owned by the VM's uid, the root mount point empty.
 */
export function prepareDirs(dir: string, uid: number): void {
  const p = vmPaths(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  mkdirSync(p.home, { recursive: true, mode: 0o700 });
  // The home cannot be a tenant's symlink (its parent is root-only), but never follow one anyway.
  lchownSync(p.home, uid, uid);
  chmodSync(p.home, 0o700);
  mkdirSync(p.root, { recursive: true, mode: 0o755 });
}

/**
 * Runs as root as PID 1 of the new namespaces: builds the root, then either
 * becomes the workload ('exec') or, for a task, waits for "go" on stdin (the
 * agent puts it under its cgroup limits first), runs it as a child and records
 * its exit status in the VM's root-only dir. Reports "ready" or why not on fd 3
 * (and then exits 120).
 * Arguments: dir uid tmpsize mode n_ro ro... -- command...
 */
const SETUP = String.raw`
fail() { printf '%s\n' "$*" >&3; exit 120; }
dir=$1 uid=$2 tmpsize=$3 mode=$4 nro=$5
shift 5
umask 022
R=$dir/.root
robind() {
  if [ ! -e "$R$1" ]; then
    if [ -d "$1" ]; then mkdir -p "$R$1"; else mkdir -p "$R$(dirname "$1")" && : > "$R$1"; fi || fail "cannot make a mount point for $1"
  fi
  mount --bind "$1" "$R$1" && mount -o remount,bind,ro,nosuid,nodev "$R$1" || fail "cannot bind $1 read-only"
}
mount -t tmpfs -o mode=0755,size=1m,nosuid,nodev nephele-root "$R" || fail "cannot mount the sandbox root"
for d in /usr /etc /bin /sbin /lib /lib32 /lib64 /libx32; do
  if [ -L "$d" ]; then ln -s "$(readlink "$d")" "$R$d" || fail "cannot link $d"
  elif [ -d "$d" ]; then robind "$d"
  fi
done
[ -e "$R$dir" ] && fail "the VM directory $dir lies inside a system directory the sandbox shares"
mkdir "$R/proc" "$R/dev" "$R/tmp" || fail "cannot make the sandbox's directories"
mount -t proc -o nosuid,nodev,noexec,hidepid=2 proc "$R/proc" || fail "cannot mount /proc"
mount -t tmpfs -o mode=0755,size=64k,nosuid,noexec nephele-dev "$R/dev" || fail "cannot mount /dev"
for n in null zero full random urandom; do
  : > "$R/dev/$n" && mount --bind "/dev/$n" "$R/dev/$n" || fail "cannot bind /dev/$n"
done
ln -s /proc/self/fd "$R/dev/fd" && ln -s fd/0 "$R/dev/stdin" && ln -s fd/1 "$R/dev/stdout" && ln -s fd/2 "$R/dev/stderr" || fail "cannot link /dev/fd"
mkdir "$R/dev/shm" && mount -t tmpfs -o "mode=1777,size=$tmpsize,nosuid,nodev" nephele-shm "$R/dev/shm" || fail "cannot mount /dev/shm"
mount -t tmpfs -o "mode=1777,size=$tmpsize,nosuid,nodev" nephele-tmp "$R/tmp" || fail "cannot mount /tmp"
mkdir -p "$R$dir/home" && mount --bind "$dir/home" "$R$dir/home" && mount -o remount,bind,nosuid,nodev "$R$dir/home" || fail "cannot bind the VM's home"
while [ "$nro" -gt 0 ]; do robind "$1"; shift; nro=$((nro - 1)); done
[ "$1" = -- ] || fail "bad sandbox arguments"
shift
drop() { exec chroot "$R" setpriv --reuid="$uid" --regid="$uid" --clear-groups --no-new-privs --inh-caps=-all --bounding-set=-all -- "$@"; }
printf 'ready\n' >&3
exec 3>&-
cd / || exit 120
if [ "$mode" = exec ]; then drop "$@"; fi
IFS= read -r go || exit 125
[ "$go" = go ] || exit 125
(drop "$@") </dev/null
rc=$?
printf '%s\n' "$rc" > "$dir/exit-code.tmp" && mv -f "$dir/exit-code.tmp" "$dir/exit-code"
exit $rc
`;

export interface SandboxOptions {
  /** The VM's dir (vmPaths). */
  dir: string;
  uid: number;
  /** A network namespace of its own (tasks), or the host's (the appliance serves a forwarded port). */
  ownNetwork: boolean;
  /** Size of the private /tmp and /dev/shm each (tmpfs pages count against the VM's memory limit). */
  tmpMiB: number;
  /** Files and dirs bound read-only at their own paths (config.json, www, the appliance's program). */
  readOnly: string[];
  /** 'task': wait for "go", run, record the exit status; 'exec': become the command. */
  mode: 'task' | 'exec';
}

/** The argv that runs `command` in the sandbox. */
export function sandboxArgv(o: SandboxOptions, command: string[]): string[] {
  for (const p of [o.dir, ...o.readOnly])
    if (!p.startsWith('/') || /[\n\0]/.test(p))
      throw new Error(`sandbox paths must be absolute, one line: ${JSON.stringify(p)}`);
  const ns = [
    '--mount',
    '--pid',
    '--fork',
    '--ipc',
    '--uts',
    ...(o.ownNetwork ? ['--net'] : []),
    '--propagation',
    'private',
  ];
  return [
    'unshare',
    ...ns,
    '--',
    'sh',
    '-c',
    SETUP,
    'nephele-sandbox',
    o.dir,
    String(o.uid),
    `${Math.max(1, Math.floor(o.tmpMiB))}m`,
    o.mode,
    String(o.readOnly.length),
    ...o.readOnly,
    '--',
    ...command,
  ];
}

/** The task's shell starts in its home (chroot leaves it at /). */
export function taskCommand(task: string): string[] {
  return ['sh', '-c', 'cd "$HOME" || exit 126; exec sh -c "$0"', task];
}

/**
 * Resolves when the setup reports "ready" on `status` (fd 3); rejects with the
 * setup's own reason when it gave up, or after `timeoutMs`.
 */
export function awaitReady(status: Readable, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (err?: Error) => {
      clearTimeout(timer);
      status.removeAllListeners('data');
      status.removeAllListeners('end');
      status.on('error', () => {});
      status.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error('sandbox setup timed out')), timeoutMs);
    status.setEncoding('utf8');
    status.on('data', (d: string) => {
      buf = (buf + d).slice(0, 4096);
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      done(line === 'ready' ? undefined : new Error(`sandbox setup failed: ${line}`));
    });
    status.on('end', () => done(new Error(`sandbox setup failed: ${buf.trim() || 'it exited without a reason'}`)));
    status.on('error', (e) => done(e));
  });
}

/**
 * What the probe prints from inside the sandbox, with shell builtins only
 * (nothing the host may lack): identity and capabilities from
 * /proc/self/status, how many processes it sees, its network interfaces,
 * whether the agent's dirs are visible, and where it may write.
 */
export function probeScript(hidden: string[]): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    'while IFS= read -r l; do case $l in Uid:*|Gid:*|Groups:*|CapEff:*|CapPrm:*|CapBnd:*|CapAmb:*|NoNewPrivs:*) echo "$l";; esac; done </proc/self/status',
    'n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo "procs: $n"',
    // The mount at / (mountinfo field 5), whatever the permissions of the paths around it.
    'while read -r a b c d mp rest; do [ "$mp" = / ] && echo "rootfs: ${rest#* - }"; done </proc/self/mountinfo',
    'ifs=; while IFS=: read -r name rest; do [ -n "$rest" ] && ifs="$ifs${name##* },"; done </proc/net/dev; echo "ifaces: $ifs"',
    ...hidden.map((p) => `[ -e ${q(p)} ] && echo "visible: ${p.replace(/["$`\\]/g, '')}"`),
    '( : > "$HOME/.probe" ) 2>/dev/null && echo "home: writable"',
    '( : > /tmp/.probe ) 2>/dev/null && echo "tmp: writable"',
    '( : > /usr/.nephele-probe ) 2>/dev/null && echo "usr: writable"',
    '( : > /.nephele-probe ) 2>/dev/null && echo "root: writable"',
    'exit 0',
  ].join('\n');
}

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** Decides from the probe's output whether the sandbox held (pure: unit-tested). */
export function parseProbe(out: string, uid: number): ProbeResult {
  const fields = new Map<string, string>();
  const visible: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^([A-Za-z]+):\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === 'visible') visible.push(m[2]!);
    else fields.set(m[1]!, m[2]!.trim());
  }
  const no = (reason: string): ProbeResult => ({ ok: false, reason });
  const ids = (k: string) => (fields.get(k) ?? '').split(/\s+/).filter(Boolean);
  if (!fields.has('Uid')) return no('the sandboxed probe printed nothing');
  // Real, effective, saved and filesystem ids: all the VM's.
  for (const k of ['Uid', 'Gid']) {
    const v = ids(k);
    const other = v.length === 4 ? v.find((x) => Number(x) !== uid) : v.join(' ') || '?';
    if (other !== undefined) return no(`runs as ${k.toLowerCase()} ${other}, not the VM's`);
  }
  if (ids('Groups').some((x) => Number(x) !== uid)) return no('keeps supplementary groups');
  for (const k of ['CapEff', 'CapPrm', 'CapBnd', 'CapAmb']) {
    const v = fields.get(k);
    if (v === undefined ? k !== 'CapAmb' : !/^0+$/.test(v)) return no(`keeps capabilities (${k} ${v ?? 'unknown'})`);
  }
  if (fields.get('NoNewPrivs') !== '1') return no('may gain privileges (no_new_privs is not set)');
  const procs = Number(fields.get('procs'));
  if (!(procs >= 1 && procs <= 8))
    return no(`sees ${fields.get('procs') ?? 'unknown'} processes (no PID namespace of its own)`);
  const ifaces = (fields.get('ifaces') ?? '').split(',').filter(Boolean);
  if (ifaces.some((x) => x !== 'lo')) return no(`sees the host's network (${ifaces.join(', ')})`);
  if (!/^tmpfs nephele-root( |$)/.test(fields.get('rootfs') ?? ''))
    return no(`its root is not the sandbox's own (${fields.get('rootfs') || 'unknown'})`);
  if (visible.length) return no(`sees ${visible[0]}`);
  if (fields.get('home') !== 'writable') return no('cannot write its own home');
  if (fields.get('tmp') !== 'writable') return no('cannot write its private /tmp');
  if (fields.get('usr') === 'writable' || fields.get('root') === 'writable')
    return no('may write outside its home and /tmp');
  return { ok: true };
}

/**
 * Really runs a sandboxed task (every namespace, the uid drop) in a throwaway
 * VM dir under `stateDir` and checks from the inside that it held: among
 * others, that its root is the sandbox's tmpfs and a world-readable sibling of
 * its dir (as another VM's would be) is not there. The timeout is generous: a
 * probe that gave up on a busy machine would leave the host without isolation
 * until the agent restarts.
 */
export async function probeIsolation(stateDir: string, uid: number, timeoutMs = 30_000): Promise<ProbeResult> {
  const dir = join(stateDir, `.isolation-probe-${process.pid}`);
  const other = `${dir}-other`;
  try {
    rmSync(dir, { recursive: true, force: true });
    prepareDirs(dir, uid);
    writeFileSync(vmPaths(dir).config, '{}\n', { mode: 0o644 });
    mkdirSync(other, { recursive: true });
    chmodSync(other, 0o755);
    writeFileSync(join(other, 'config.json'), '{}\n');
    chmodSync(join(other, 'config.json'), 0o644);
    const hidden = [join(other, 'config.json')];
    const argv = sandboxArgv(
      { dir, uid, ownNetwork: true, tmpMiB: 1, readOnly: [vmPaths(dir).config], mode: 'task' },
      taskCommand(probeScript(hidden)),
    );
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string; setup?: string }>(
      (resolve) => {
        const child = spawn(argv[0]!, argv.slice(1), {
          stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
          env: { PATH: process.env.PATH || '/usr/sbin:/usr/bin:/sbin:/bin', HOME: vmPaths(dir).home, LANG: 'C.UTF-8' },
        });
        let stdout = '';
        let stderr = '';
        let setup: string | undefined;
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.stdout!.on('data', (d) => (stdout = (stdout + d).slice(0, 8192)));
        child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(0, 8192)));
        awaitReady(child.stdio[3] as Readable, timeoutMs).then(
          () => child.stdin!.end('go\n'),
          (e: Error) => {
            setup = e.message;
            child.stdin!.destroy();
          },
        );
        child.stdin!.on('error', () => {});
        child.on('error', (e) => {
          clearTimeout(timer);
          resolve({ code: -1, stdout, stderr: e.message, setup });
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr, setup });
        });
      },
    );
    if (out.code !== 0) {
      const why = out.setup ?? (out.stderr.trim().split('\n').at(-1) || `exit status ${out.code}`);
      return { ok: false, reason: why.slice(0, 160) };
    }
    return parseProbe(out.stdout, uid);
  } catch (e) {
    return { ok: false, reason: `cannot prepare a sandboxed VM dir: ${(e as Error).message}`.slice(0, 160) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
}
