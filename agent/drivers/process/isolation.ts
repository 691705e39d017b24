// What the host lets the process driver do to isolate and limit an appliance,
// probed once: namespaces through util-linux unshare, memory/CPU limits
// through cgroup v2, else cgroup v1 (memory + cpu hierarchies), else an
// RLIMIT_DATA through prlimit, else nothing. Nothing here throws at a caller
// that runs a VM: an unavailable mechanism degrades to the next one and says so.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const SH = '/bin/sh';

/** cgroup/prlimit memory limits are never set below this: the appliance (Node) needs ~45 MiB RSS. */
export const MIN_LIMIT_MIB = 64;

export type LimitPlan =
  | { kind: 'cgroup-v2'; base: string; memory: boolean; cpu: boolean; detail: string }
  | { kind: 'cgroup-v1'; memoryBase?: string; cpuBase?: string; detail: string }
  | { kind: 'prlimit'; prlimit: string; detail: string }
  | { kind: 'none'; detail: string };

export interface Isolation {
  /** argv prefix that puts the command into its own namespaces ([] for none). */
  unshare: string[];
  /** 'pid,mount,ipc,uts' (+ ',user' when only a user namespace made it work) or 'none'. */
  namespaces: string;
  namespacesDetail: string;
  /** `unshare --user --map-root-user --pid --fork --mount-proc true` works. */
  userns: boolean;
  limits: LimitPlan;
  prlimit?: string;
}

/** Per VM: what was set up, for the spawn (sh joins `procs` before exec'ing the appliance) and the handle. */
export interface VmLimits {
  /** cgroup.procs files the VM's init joins. */
  procs: string[];
  /** cgroup directories of the VM (removed on destroy). */
  dirs: string[];
  /** argv prefix (prlimit) or []. */
  prefix: string[];
  /** e.g. 'cgroup-v1 memory=512MiB cpu=2', 'prlimit data=512MiB', 'none (…)'. */
  desc: string;
}

export function which(cmd: string): string | undefined {
  if (cmd.includes('/')) return existsSync(cmd) ? cmd : undefined;
  for (const d of (process.env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  for (const d of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) if (existsSync(join(d, cmd))) return join(d, cmd);
  return undefined;
}

function run(cmd: string, args: string[], timeoutMs = 5_000): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const out = `${stdout ?? ''}${stderr ?? ''}`.trim();
      resolve({ ok: !err, out: err ? out || err.message : out });
    });
  });
}

const firstLine = (s: string) => s.split('\n').find((l) => l.trim())?.trim().slice(0, 200) ?? '';
const errMsg = (e: unknown) => firstLine((e as Error).message ?? String(e));

/** Namespace flags the appliance runs under: its own PID (it is not pid 1: sh is), mount (for /proc), IPC and UTS; the network stays the host's. */
export const NS_FLAGS = ['--pid', '--fork', '--mount-proc', '--ipc', '--uts', '--kill-child'];

export async function probeIsolation(): Promise<Isolation> {
  const [ns, limits, prlimit] = await Promise.all([probeNamespaces(), probeCgroups(), probePrlimit()]);
  let plan = limits;
  if (plan.kind === 'none' && prlimit) plan = { kind: 'prlimit', prlimit, detail: `RLIMIT_DATA via prlimit (no CPU limit); ${plan.detail}` };
  return { ...ns, limits: plan, prlimit };
}

async function probeNamespaces(): Promise<Pick<Isolation, 'unshare' | 'namespaces' | 'namespacesDetail' | 'userns'>> {
  const unshare = which('unshare');
  if (!unshare) return { unshare: [], namespaces: 'none', namespacesDetail: 'unshare (util-linux) not found', userns: false };
  const [plain, user] = await Promise.all([
    run(unshare, [...NS_FLAGS, 'true']),
    run(unshare, ['--user', '--map-root-user', '--pid', '--fork', '--mount-proc', 'true']),
  ]);
  if (plain.ok) return { unshare: [unshare, ...NS_FLAGS], namespaces: 'pid,mount,ipc,uts', namespacesDetail: `${unshare} ${NS_FLAGS.join(' ')}`, userns: user.ok };
  if (user.ok) {
    const flags = ['--user', '--map-root-user', ...NS_FLAGS];
    const withUser = await run(unshare, [...flags, 'true']);
    if (withUser.ok) return { unshare: [unshare, ...flags], namespaces: 'pid,mount,ipc,uts,user', namespacesDetail: `${unshare} ${flags.join(' ')}`, userns: true };
    return { unshare: [], namespaces: 'none', namespacesDetail: `unshare failed: ${firstLine(withUser.out)}`, userns: true };
  }
  return { unshare: [], namespaces: 'none', namespacesDetail: `unshare failed: ${firstLine(plain.out)}`, userns: false };
}

async function probePrlimit(): Promise<string | undefined> {
  const p = which('prlimit');
  if (!p) return undefined;
  return (await run(p, [`--data=${1024 * 1048576}`, '--', SH, '-c', 'exit 0'])).ok ? p : undefined;
}

interface Mount {
  root: string;
  point: string;
  fstype: string;
  superopts: string[];
}

const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-');
    if (sep < 6 || f.length < sep + 4) continue;
    out.push({ root: unescapeMount(f[3]!), point: unescapeMount(f[4]!), fstype: f[sep + 1]!, superopts: f[sep + 3]!.split(',') });
  }
  return out;
}

/** This process's cgroup path per v1 controller ('' key: the v2 path). */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') out.set('', m[3]!);
    for (const c of m[2]!.split(',')) if (c) out.set(c, m[3]!);
  }
  return out;
}

/** The directory of our own cgroup inside a v1 hierarchy mounted at `m`. */
function ownDir(m: Mount, own: string): string {
  const rel = m.root !== '/' && (own === m.root || own.startsWith(`${m.root}/`)) ? own.slice(m.root.length) : own;
  return join(m.point, rel);
}

function writeTo(file: string, value: string): void {
  writeFileSync(file, value);
}

function enableControllers(dir: string, ctrls: string[]): void {
  const have = readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
  const missing = ctrls.filter((c) => !have.includes(c));
  if (missing.length) writeTo(join(dir, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
}

async function rmdirRetry(dir: string, tries = 25): Promise<boolean> {
  for (let i = 0; ; i++) {
    try {
      rmdirSync(dir);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return true;
      if (i >= tries || code !== 'EBUSY') return false;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** A short-lived sh joins each of `procs` (as the VM's init will), then exits. */
async function joinProbe(procs: string[]): Promise<{ ok: boolean; out: string }> {
  return run(SH, ['-c', 'for f; do echo 0 > "$f" || exit 1; done', 'nephele-probe', ...procs]);
}

async function probeCgroups(): Promise<LimitPlan> {
  let mounts: Mount[];
  let own: Map<string, string>;
  try {
    mounts = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
    own = parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8'));
  } catch (e) {
    return { kind: 'none', detail: `cannot read cgroup mounts: ${errMsg(e)}` };
  }
  const why: string[] = [];
  const v2 = await probeV2(mounts);
  if (v2.kind !== 'none') return v2;
  why.push(v2.detail);
  const v1 = await probeV1(mounts, own);
  if (v1.kind !== 'none') return v1;
  why.push(v1.detail);
  return { kind: 'none', detail: why.join('; ') };
}

async function probeV2(mounts: Mount[]): Promise<LimitPlan> {
  const m = mounts.find((x) => x.fstype === 'cgroup2' && x.point === '/sys/fs/cgroup') ?? mounts.find((x) => x.fstype === 'cgroup2');
  if (!m) return { kind: 'none', detail: 'no cgroup2 mount' };
  let ctrls: string[];
  try {
    ctrls = readFileSync(join(m.point, 'cgroup.controllers'), 'utf8').split(/\s+/).filter((c) => c === 'memory' || c === 'cpu');
  } catch (e) {
    return { kind: 'none', detail: `cgroup2 at ${m.point}: ${errMsg(e)}` };
  }
  if (!ctrls.length) return { kind: 'none', detail: `cgroup2 at ${m.point} has no memory/cpu controller (bound to cgroup v1)` };
  // VMs go to <mount>/nephele/<id>: the root cgroup is the one that may have
  // both processes and controller-enabled children.
  const base = join(m.point, 'nephele');
  const probe = join(base, `.probe-${process.pid}`);
  try {
    enableControllers(m.point, ctrls);
    mkdirSync(base, { recursive: true });
    enableControllers(base, ctrls);
    mkdirSync(probe, { recursive: true });
    if (ctrls.includes('memory')) writeTo(join(probe, 'memory.max'), String(MIN_LIMIT_MIB * 1048576));
    if (ctrls.includes('cpu')) writeTo(join(probe, 'cpu.max'), '100000 100000');
    const j = await joinProbe([join(probe, 'cgroup.procs')]);
    if (!j.ok) throw new Error(`joining failed: ${j.out}`);
  } catch (e) {
    await rmdirRetry(probe);
    return { kind: 'none', detail: `cgroup2 at ${m.point} not usable: ${errMsg(e)}` };
  }
  await rmdirRetry(probe);
  const memory = ctrls.includes('memory');
  const cpu = ctrls.includes('cpu');
  return { kind: 'cgroup-v2', base, memory, cpu, detail: `${base}/<id> (${[memory && 'memory.max', cpu && 'cpu.max'].filter(Boolean).join(', ')})` };
}

async function probeV1(mounts: Mount[], own: Map<string, string>): Promise<LimitPlan> {
  const v1 = (c: string) => mounts.find((x) => x.fstype === 'cgroup' && x.superopts.includes(c));
  const mm = v1('memory');
  const cm = v1('cpu');
  if (!mm && !cm) return { kind: 'none', detail: 'no cgroup v1 memory/cpu hierarchy' };
  // Under our own cgroup: VMs stay inside whatever limits the agent runs under.
  const memoryBase = mm ? join(ownDir(mm, own.get('memory') ?? '/'), 'nephele') : undefined;
  const cpuBase = cm ? join(ownDir(cm, own.get('cpu') ?? '/'), 'nephele') : undefined;
  const ok: { memoryBase?: string; cpuBase?: string } = {};
  const errs: string[] = [];
  for (const [kind, base] of [['memory', memoryBase], ['cpu', cpuBase]] as const) {
    if (!base) continue;
    const probe = join(base, `.probe-${process.pid}`);
    try {
      mkdirSync(probe, { recursive: true });
      if (kind === 'memory') writeTo(join(probe, 'memory.limit_in_bytes'), String(MIN_LIMIT_MIB * 1048576));
      else {
        writeTo(join(probe, 'cpu.cfs_period_us'), '100000');
        writeTo(join(probe, 'cpu.cfs_quota_us'), '100000');
      }
      const j = await joinProbe([join(probe, 'cgroup.procs')]);
      if (!j.ok) throw new Error(`joining failed: ${j.out}`);
      if (kind === 'memory') ok.memoryBase = base;
      else ok.cpuBase = base;
    } catch (e) {
      errs.push(`cgroup v1 ${kind} at ${base}: ${errMsg(e)}`);
    }
    await rmdirRetry(probe);
  }
  if (!ok.memoryBase && !ok.cpuBase) return { kind: 'none', detail: errs.join('; ') || 'cgroup v1 not usable' };
  const parts = [ok.memoryBase && `${ok.memoryBase}/<id> (memory.limit_in_bytes)`, ok.cpuBase && `${ok.cpuBase}/<id> (cpu.cfs_quota_us)`].filter(Boolean);
  return { kind: 'cgroup-v1', ...ok, detail: [...parts, ...errs].join('; ') };
}

/** cgroup directories a VM would have under `plan`. */
export function cgroupDirsFor(plan: LimitPlan, id: string): string[] {
  if (plan.kind === 'cgroup-v2') return [join(plan.base, id)];
  if (plan.kind === 'cgroup-v1') return [plan.memoryBase, plan.cpuBase].filter((b): b is string => !!b).map((b) => join(b, id));
  return [];
}

/** Creates and configures the VM's limits (cheap: a mkdir and two or three writes). Never throws. */
export function prepareLimits(iso: Isolation, id: string, memoryMiB: number, vcpus: number): VmLimits {
  const mib = Math.max(MIN_LIMIT_MIB, Math.ceil(memoryMiB));
  const raised = mib > memoryMiB ? ` (raised from ${memoryMiB}MiB)` : '';
  const bytes = String(mib * 1048576);
  const plan = iso.limits;
  const viaPrlimit = (why: string): VmLimits =>
    iso.prlimit
      ? { procs: [], dirs: [], prefix: [iso.prlimit, `--data=${bytes}`, '--'], desc: `prlimit data=${mib}MiB${raised}${why}` }
      : { procs: [], dirs: [], prefix: [], desc: `none${why}` };
  try {
    if (plan.kind === 'cgroup-v2') {
      const dir = join(plan.base, id);
      mkdirSync(dir, { recursive: true });
      const set: string[] = [];
      if (plan.memory) writeTo(join(dir, 'memory.max'), bytes), set.push(`memory=${mib}MiB${raised}`);
      if (plan.cpu) writeTo(join(dir, 'cpu.max'), `${vcpus * 100000} 100000`), set.push(`cpu=${vcpus}`);
      return { procs: [join(dir, 'cgroup.procs')], dirs: [dir], prefix: [], desc: `cgroup-v2 ${set.join(' ')}` };
    }
    if (plan.kind === 'cgroup-v1') {
      const out: VmLimits = { procs: [], dirs: [], prefix: [], desc: '' };
      const set: string[] = [];
      if (plan.memoryBase) {
        const dir = join(plan.memoryBase, id);
        mkdirSync(dir, { recursive: true });
        writeTo(join(dir, 'memory.limit_in_bytes'), bytes);
        out.dirs.push(dir);
        out.procs.push(join(dir, 'cgroup.procs'));
        set.push(`memory=${mib}MiB${raised}`);
      }
      if (plan.cpuBase) {
        const dir = join(plan.cpuBase, id);
        mkdirSync(dir, { recursive: true });
        writeTo(join(dir, 'cpu.cfs_period_us'), '100000');
        writeTo(join(dir, 'cpu.cfs_quota_us'), String(vcpus * 100000));
        if (!out.dirs.includes(dir)) {
          // memory and cpu may share one hierarchy
          out.dirs.push(dir);
          out.procs.push(join(dir, 'cgroup.procs'));
        }
        set.push(`cpu=${vcpus}`);
      }
      out.desc = `cgroup-v1 ${set.join(' ')}`;
      return out;
    }
    if (plan.kind === 'prlimit') return viaPrlimit('');
    return { procs: [], dirs: [], prefix: [], desc: 'none' };
  } catch (e) {
    return viaPrlimit(` (cgroup setup failed: ${errMsg(e)})`);
  }
}

/** Removes the VM's cgroup directories (they must be empty: call after its processes are gone). */
export async function removeCgroups(dirs: string[]): Promise<string[]> {
  const left: string[] = [];
  for (const d of dirs) if (!(await rmdirRetry(d))) left.push(d);
  return left;
}

/** OOM kills counted in the VM's memory cgroup so far (v2 memory.events, v1 memory.oom_control). */
export function oomKills(dirs: string[]): number {
  let n = 0;
  for (const d of dirs) {
    for (const f of ['memory.events', 'memory.oom_control']) {
      try {
        const m = /^oom_kill (\d+)$/m.exec(readFileSync(join(d, f), 'utf8'));
        if (m) n += Number(m[1]);
      } catch {
        /* not this version / not a memory cgroup */
      }
    }
  }
  return n;
}

/** Whether `pid` is in every one of the VM's cgroups (its init joins them before starting the appliance). */
export function inCgroups(pid: number, id: string, dirs: string[]): boolean {
  if (!dirs.length) return true;
  try {
    const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
    return lines.filter((l) => l.endsWith(`/nephele/${id}`)).length >= (dirs.length > 1 ? dirs.length : 1);
  } catch {
    return false;
  }
}
