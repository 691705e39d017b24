// ProcessDriver (scheme 'process'): the VM's appliance as a supervised
// process, for hosts without a hypervisor (see README.md next to this file).
//
// Per VM, everything lives in <stateDir>/<id>/: config.json (the VM's "disk":
// the appliance's settings), console.log (its stdout/stderr, appended),
// exit-status (written by the VM's init when the appliance ends) and
// driver.json (the current incarnation: pids, port, cgroups; used to find an
// appliance nobody recovered and to accept handles from before a reboot).
// Processes run detached, so they survive an agent restart; recover()
// re-attaches by pid + start time and then watches by polling.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, closeSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../../common/logger.js';
import {
  DriverError,
  type Capabilities,
  type Driver,
  type ExitListener,
  type Fingerprint,
  type VmHandle,
  type VmPhase,
  type VmSpec,
  type VmStats,
  type VmStatus,
} from '../driver.js';
import { cgroupDirsFor, inCgroups, oomKills, prepareLimits, probeIsolation, removeCgroups, SH, type Isolation } from './isolation.js';
import { APPLIANCE, discover, isApplianceOf, listenSocket, nodeFlags, spawnAppliance } from './launch.js';
import { cpuSeconds, ioBytes, isAlive, processTree, readStat, rssBytes, startTimeOf, uptimeSeconds } from './procfs.js';

export interface ProcessDriverOptions {
  /** Per-VM directories live here (e.g. <agent data dir>/vms; shared with other drivers, ids are unique). */
  stateDir: string;
  log?: Logger;
  /** Liveness poll of appliances that are not our children (recovered ones), default 500 ms. */
  pollIntervalMs?: number;
  /** 'none' skips namespaces and limits entirely (default 'auto': whatever the host allows). */
  isolation?: 'auto' | 'none';
}

const VM_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const CONFIG_KEY_RE = /^[a-z0-9_-]{1,64}$/;
const MAX_CONFIG_VALUE = 4096;
/** Handles of incarnations replaced by reboot() that recover() still accepts. */
const MAX_EARLIER = 8;
const LOG_ROTATE_BYTES = 4 * 1024 * 1024;

type ExitInfo = { code: number | null; signal: NodeJS.Signals | null; error?: Error };

interface Incarnation {
  pid: number;
  pidStartTime: string;
}

/** <dir>/driver.json: the current (or last) incarnation of the VM. */
interface VmRecord extends Incarnation {
  id: string;
  spec: VmSpec;
  hostPort: number;
  initPid: number;
  initStartTime: string;
  namespaces: string;
  limits: string;
  cgroups: string[];
  oomBase: number;
  earlier: Incarnation[];
}

interface Vm {
  id: string;
  spec: VmSpec;
  dir: string;
  hostPort: number;
  /** The appliance (node); 0 when not running. */
  pid: number;
  pidStartTime: string;
  /** The VM's init (sh), parent of the appliance. */
  initPid: number;
  initStartTime: string;
  phase: VmPhase;
  reason: string;
  guestReady: boolean;
  /** Bumped on every launch/adoption: events of an earlier process are ignored. */
  gen: number;
  /** Our direct child (unshare or sh) when this driver spawned it; else watched by polling. */
  child?: ChildProcess;
  /** The driver is ending the process (stop/destroy/reboot): its exit is no failure. */
  stopping: boolean;
  namespaces: string;
  limits: string;
  cgroups: string[];
  oomBase: number;
  earlier: Incarnation[];
  /** When polling first saw the appliance gone while its init still ran. */
  deadSince?: number;
  probe?: Promise<void>;
  exitWaiters: Array<() => void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const SIGNAL_NAMES = new Map<number, string>(Object.entries(osConstants.signals).map(([name, n]) => [n, name]));

export class ProcessDriver implements Driver {
  readonly scheme = 'process';
  private readonly log: Logger;
  private readonly vms = new Map<string, Vm>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<ExitListener>();
  private readonly poll: NodeJS.Timeout;
  private isoP?: Promise<Isolation>;
  private closed = false;

  constructor(private readonly o: ProcessDriverOptions) {
    this.log = (o.log ?? silentLogger).child({ driver: 'process' });
    // Recovered appliances are not our children: one timer watches them all.
    this.poll = setInterval(() => {
      for (const vm of this.vms.values()) if (vm.pid > 0 && !vm.child) this.check(vm, vm.gen);
    }, o.pollIntervalMs ?? 500);
    this.poll.unref();
  }

  capabilities(): Capabilities {
    return { suspend: true, reboot: true, guestChannel: true, captureDisk: false, cloneDisk: false, portForward: true };
  }

  // ---------------------------------------------------------------- fingerprint

  /** Namespaces and limits this host allows (probed once). */
  isolation(): Promise<Isolation> {
    if (!this.isoP) {
      this.isoP =
        this.o.isolation === 'none'
          ? Promise.resolve({ unshare: [], namespaces: 'none', namespacesDetail: 'disabled', userns: false, limits: { kind: 'none', detail: 'disabled' } })
          : probeIsolation();
      this.isoP.then(
        (iso) => this.log.info({ namespaces: iso.namespaces, limits: iso.limits.kind, detail: `${iso.namespacesDetail}; ${iso.limits.detail}` }, 'process isolation probed'),
        () => (this.isoP = undefined),
      );
    }
    return this.isoP;
  }

  async fingerprint(): Promise<Fingerprint> {
    const iso = await this.isolation();
    const attributes: Record<string, string> = {
      node: process.version,
      appliance: APPLIANCE,
      namespaces: iso.namespaces,
      namespacesDetail: iso.namespacesDetail,
      userns: iso.userns ? 'yes' : 'no',
      limits: iso.limits.kind,
      limitsDetail: iso.limits.detail,
      memoryLimit:
        iso.limits.kind === 'cgroup-v2' ? (iso.limits.memory ? 'memory.max' : 'none') : iso.limits.kind === 'cgroup-v1' ? (iso.limits.memoryBase ? 'memory.limit_in_bytes' : 'none') : iso.limits.kind === 'prlimit' ? 'rlimit-data' : 'none',
      cpuLimit: iso.limits.kind === 'cgroup-v2' ? (iso.limits.cpu ? 'cpu.max' : 'none') : iso.limits.kind === 'cgroup-v1' ? (iso.limits.cpuBase ? 'cpu.cfs_quota_us' : 'none') : 'none',
    };
    if (!existsSync(APPLIANCE)) return { scheme: 'process', healthy: false, detail: `appliance missing at ${APPLIANCE} (not built?)`, attributes };
    if (!existsSync(SH)) return { scheme: 'process', healthy: false, detail: `${SH} missing`, attributes };
    const ns = iso.namespaces === 'none' ? `no namespaces (${iso.namespacesDetail})` : `namespaces ${iso.namespaces}`;
    const lim = iso.limits.kind === 'none' ? `no limits (${iso.limits.detail})` : `limits ${iso.limits.kind}`;
    return { scheme: 'process', healthy: true, detail: `appliance as a supervised process (node ${process.version}), ${ns}, ${lim}`, attributes };
  }

  // ---------------------------------------------------------------- lifecycle

  async create(spec: VmSpec): Promise<VmHandle> {
    this.assertOpen();
    this.validate(spec);
    return this.locked(spec.id, async () => {
      const dir = this.dirOf(spec.id);
      const existing = this.vms.get(spec.id);
      if ((existing && (existing.pid > 0 || existing.phase === 'creating')) || existsSync(join(dir, 'config.json'))) {
        throw new DriverError(`VM ${spec.id} already exists (start it, or destroy it first)`, 'FAILED');
      }
      mkdirSync(dir, { recursive: true });
      const vm = this.newVm(spec);
      this.vms.set(spec.id, vm);
      try {
        writeJson(join(dir, 'config.json'), { ...spec.config });
        await this.launch(vm, 0);
        return this.handleOf(vm);
      } catch (e) {
        this.vms.delete(spec.id);
        await removeCgroups(vm.cgroups);
        rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    });
  }

  async start(handle: VmHandle): Promise<VmHandle> {
    this.assertOpen();
    this.validate(handle.spec);
    return this.locked(handle.id, async () => {
      let vm = this.vms.get(handle.id);
      if (vm && vm.pid > 0) return this.handleOf(vm);
      // Running already, but not tracked (no recover, or a handle from before a reboot): adopt, never run twice.
      if (this.adopt(handle) || this.adoptUntracked(handle.id, handle.spec)) return this.handleOf(this.vms.get(handle.id)!);
      if (!existsSync(join(this.dirOf(handle.id), 'config.json'))) {
        throw new DriverError(`VM ${handle.id} has no disk (${join(this.dirOf(handle.id), 'config.json')})`, 'NOT_FOUND');
      }
      vm ??= this.newVm(handle.spec);
      vm.spec = handle.spec;
      this.vms.set(handle.id, vm);
      await this.launch(vm, handle.hostPort || vm.hostPort);
      return this.handleOf(vm);
    });
  }

  async recover(handle: VmHandle): Promise<boolean> {
    this.assertOpen();
    return this.locked(handle.id, async () => {
      const vm = this.vms.get(handle.id);
      if (vm && vm.pid > 0) return true;
      if (this.adopt(handle)) return true;
      // Not running: remember it as stopped so inspect/start/destroy work.
      if (!vm && existsSync(join(this.dirOf(handle.id), 'config.json'))) {
        const v = this.newVm(handle.spec);
        v.hostPort = handle.hostPort;
        v.reason = 'not running after agent restart';
        this.vms.set(handle.id, v);
      }
      return false;
    });
  }

  async stop(id: string, timeoutMs: number): Promise<void> {
    return this.locked(id, () => this.stopLocked(id, timeoutMs));
  }

  async destroy(id: string): Promise<void> {
    if (!VM_ID_RE.test(id ?? '')) throw new DriverError(`bad VM id ${JSON.stringify(id)}`, 'INVALID_SPEC');
    await this.locked(id, async () => {
      await this.stopLocked(id, 2_000);
      const dir = this.dirOf(id);
      const iso = await this.isolation().catch(() => undefined);
      const dirs = new Set([...(this.vms.get(id)?.cgroups ?? []), ...(readRecord(dir)?.cgroups ?? []), ...(iso ? cgroupDirsFor(iso.limits, id) : [])]);
      const left = await removeCgroups([...dirs]);
      if (left.length) this.log.warn({ vm_id: id, cgroups: left }, 'could not remove cgroups of a destroyed VM');
      rmSync(dir, { recursive: true, force: true });
      this.vms.delete(id);
    });
  }

  async suspend(id: string): Promise<void> {
    await this.locked(id, async () => {
      const vm = this.running(id);
      if (vm.phase === 'suspended') return;
      this.signal(vm, 'SIGSTOP');
      if (!(await until(() => vm.pid <= 0 || readStat(vm.pid)?.state === 'T', 2_000)) || vm.pid <= 0) {
        throw new DriverError(`VM ${id}: the appliance did not stop (state ${readStat(vm.pid)?.state ?? 'gone'})`, 'FAILED');
      }
      vm.phase = 'suspended';
      vm.guestReady = false;
    });
  }

  async resume(id: string): Promise<void> {
    await this.locked(id, async () => {
      const vm = this.running(id);
      if (vm.phase === 'running') return;
      this.signal(vm, 'SIGCONT');
      if (!(await until(() => vm.pid <= 0 || readStat(vm.pid)?.state !== 'T', 2_000)) || vm.pid <= 0) {
        throw new DriverError(`VM ${id}: the appliance did not continue`, 'FAILED');
      }
      vm.phase = 'running';
    });
  }

  /** Stops the appliance and starts a new one on the same config and (if still free) the same port. */
  async reboot(id: string): Promise<void> {
    await this.locked(id, async () => {
      const vm = this.running(id);
      const port = vm.hostPort;
      const old: Incarnation = { pid: vm.pid, pidStartTime: vm.pidStartTime };
      await this.terminate(vm, 5_000);
      vm.earlier = [...vm.earlier, old].slice(-MAX_EARLIER);
      try {
        await this.launch(vm, port);
      } catch (e) {
        vm.phase = 'failed';
        vm.reason = `reboot failed: ${(e as Error).message}`;
        this.notify(vm);
        throw e;
      }
      if (vm.hostPort !== port) this.log.warn({ vm_id: id, old_port: port, host_port: vm.hostPort }, 'reboot: the old host port was taken, using another');
    });
  }

  async inspect(id: string): Promise<VmStatus> {
    const vm = this.vms.get(id);
    if (!vm) throw new DriverError(`VM ${id} not known to the process driver`, 'NOT_FOUND');
    if (vm.phase === 'running' && vm.pid > 0 && !vm.guestReady) await this.probeReady(vm);
    return { phase: vm.phase, reason: vm.reason, guestReady: vm.guestReady, hostPort: vm.hostPort, pid: vm.pid };
  }

  async stats(id: string): Promise<VmStats> {
    const vm = this.vms.get(id);
    if (!vm) throw new DriverError(`VM ${id} not known to the process driver`, 'NOT_FOUND');
    const s: VmStats = { cpuSeconds: 0, memoryBytes: 0, diskReadBytes: 0, diskWriteBytes: 0, netRxBytes: 0, netTxBytes: 0, uptimeSeconds: 0 };
    if (vm.pid <= 0 || !isAlive(vm.pid, vm.pidStartTime)) return s;
    const io = ioBytes(vm.pid);
    // The appliance shares the host's network namespace: no per-VM byte counters.
    return { ...s, cpuSeconds: cpuSeconds(vm.pid), memoryBytes: rssBytes(vm.pid), diskReadBytes: io.read, diskWriteBytes: io.write, uptimeSeconds: uptimeSeconds(vm.pid) };
  }

  /**
   * The qemu guest agent's commands that make sense here, served host-side
   * (the config dir is the VM's disk, /proc its process table):
   * ping → pong (the appliance answered /health), boot-id, config-get <key>,
   * config-set <key> [value] → '', ps → <pid>:<comm>,… Errors as the guest
   * agent words them (none, bad key, unknown command).
   */
  async guestRequest(id: string, command: string, timeoutMs = 5_000): Promise<string> {
    const vm = this.running(id);
    if (/[\r\n]/.test(command)) throw new DriverError('guest command must be one line', 'INVALID_SPEC');
    const line = command.trim();
    if (!line) throw new DriverError('empty guest command', 'INVALID_SPEC');
    const [cmd, ...args] = line.split(/[ \t]+/) as [string, ...string[]];
    const fail = (msg: string) => new DriverError(`VM ${id}: guest ${cmd}: ${msg}`, 'FAILED');
    if (vm.phase === 'suspended') throw fail(`no answer within ${timeoutMs} ms (the VM is suspended)`);
    const configFile = join(vm.dir, 'config.json');
    switch (cmd) {
      case 'ping':
        if (await httpOk(vm.hostPort, '/health', timeoutMs)) return 'pong';
        throw fail(`no answer within ${timeoutMs} ms`);
      case 'boot-id':
        return `${vm.pid}-${vm.pidStartTime}`;
      case 'config-get': {
        if (args.length !== 1 || !CONFIG_KEY_RE.test(args[0]!)) throw fail('bad key');
        const v = readConfig(configFile)[args[0]!];
        if (typeof v !== 'string') throw fail('none');
        return v;
      }
      case 'config-set': {
        const key = args[0];
        if (!key || !CONFIG_KEY_RE.test(key)) throw fail('bad key');
        // The value is the rest of the line, inner whitespace kept.
        const value = line.slice(cmd.length).replace(/^[ \t]+/, '').slice(key.length).replace(/^[ \t]+/, '');
        if (value.length > MAX_CONFIG_VALUE) throw fail('value too long');
        try {
          writeJson(configFile, { ...readConfig(configFile), [key]: value });
        } catch (e) {
          throw fail(`cannot write config: ${(e as Error).message}`);
        }
        return '';
      }
      case 'ps':
        return processTree(vm.initPid > 0 && isAlive(vm.initPid, vm.initStartTime) ? vm.initPid : vm.pid)
          .map((p) => `${p}:${readStat(p)?.comm ?? '?'}`)
          .join(',');
      default:
        throw fail('unknown command');
    }
  }

  onExit(listener: ExitListener): void {
    this.listeners.add(listener);
  }

  /** Releases watchers without touching the appliances (agent shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    for (const vm of this.vms.values()) this.detach(vm);
    this.listeners.clear();
  }

  /** The VM's current handle (changes on start and reboot: new pid), for the runner to persist. */
  currentHandle(id: string): VmHandle | undefined {
    const vm = this.vms.get(id);
    return vm ? this.handleOf(vm) : undefined;
  }

  // ---------------------------------------------------------------- internals

  private assertOpen(): void {
    if (this.closed) throw new DriverError('process driver is closed', 'FAILED');
  }

  private dirOf(id: string): string {
    return join(this.o.stateDir, id);
  }

  private validate(spec: VmSpec): void {
    const bad = (what: string) => {
      throw new DriverError(`invalid VM spec: ${what}`, 'INVALID_SPEC');
    };
    if (!spec || typeof spec !== 'object') bad('missing');
    if (!VM_ID_RE.test(spec.id ?? '')) bad(`id ${JSON.stringify(spec.id)} (1-64 of [A-Za-z0-9_-])`);
    if (!Number.isInteger(spec.vcpus) || spec.vcpus < 1 || spec.vcpus > 64) bad(`vcpus ${spec.vcpus} (1-64)`);
    if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < 1 || spec.memoryMiB > 1_048_576) bad(`memoryMiB ${spec.memoryMiB}`);
    for (const [k, v] of Object.entries(spec.config ?? {})) {
      if (!CONFIG_KEY_RE.test(k)) bad(`config key ${JSON.stringify(k)} ([a-z0-9_-]{1,64})`);
      if (typeof v !== 'string' || /[\r\n]/.test(v) || v.length > MAX_CONFIG_VALUE) bad(`config ${k}: value must be one line`);
    }
  }

  private newVm(spec: VmSpec): Vm {
    return {
      id: spec.id,
      spec,
      dir: this.dirOf(spec.id),
      hostPort: 0,
      pid: 0,
      pidStartTime: '',
      initPid: 0,
      initStartTime: '',
      phase: 'stopped',
      reason: '',
      guestReady: false,
      gen: 0,
      stopping: false,
      namespaces: '',
      limits: '',
      cgroups: [],
      oomBase: 0,
      earlier: [],
      exitWaiters: [],
    };
  }

  private handleOf(vm: Vm): VmHandle {
    return {
      id: vm.id,
      scheme: 'process',
      spec: vm.spec,
      pid: vm.pid,
      pidStartTime: vm.pidStartTime,
      hostPort: vm.hostPort,
      extra: {
        dir: vm.dir,
        console: join(vm.dir, 'console.log'),
        init: vm.initPid > 0 ? `${vm.initPid}:${vm.initStartTime}` : '',
        namespaces: vm.namespaces,
        limits: vm.limits,
        cgroups: vm.cgroups.join(','),
      },
    };
  }

  private recordOf(vm: Vm): VmRecord {
    return {
      id: vm.id,
      spec: vm.spec,
      pid: vm.pid,
      pidStartTime: vm.pidStartTime,
      hostPort: vm.hostPort,
      initPid: vm.initPid,
      initStartTime: vm.initStartTime,
      namespaces: vm.namespaces,
      limits: vm.limits,
      cgroups: vm.cgroups,
      oomBase: vm.oomBase,
      earlier: vm.earlier,
    };
  }

  /** Serialises the operations on one VM id. */
  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }

  private running(id: string): Vm {
    const vm = this.vms.get(id);
    if (!vm) throw new DriverError(`VM ${id} not known to the process driver`, 'NOT_FOUND');
    if (vm.pid <= 0) throw new DriverError(`VM ${id} is not running (${vm.phase}${vm.reason ? `: ${vm.reason}` : ''})`, 'FAILED');
    return vm;
  }

  /** Starts the appliance of `vm` (its config dir exists). Resolves once the appliance process runs. */
  private async launch(vm: Vm, preferredPort: number): Promise<void> {
    const iso = await this.isolation();
    const limits = prepareLimits(iso, vm.id, vm.spec.memoryMiB, vm.spec.vcpus);
    vm.cgroups = [...new Set([...vm.cgroups, ...limits.dirs])];
    const logPath = join(vm.dir, 'console.log');
    const exitFile = join(vm.dir, 'exit-status');
    rotate(logPath);
    let ns = iso.unshare;
    let nsDesc = iso.namespaces;
    for (let attempt = 1; ; attempt++) {
      rmSync(exitFile, { force: true });
      const oomBase = oomKills(limits.dirs);
      let listener;
      try {
        listener = await listenSocket(preferredPort);
      } catch (e) {
        throw new DriverError(`VM ${vm.id}: no host port: ${(e as Error).message}`, 'FAILED');
      }
      const gen = ++vm.gen;
      vm.stopping = false;
      vm.guestReady = false;
      vm.reason = '';
      vm.phase = 'creating';
      vm.pid = 0;
      vm.initPid = 0;
      vm.deadSince = undefined;
      let exitInfo: ExitInfo | undefined;
      let child: ChildProcess;
      try {
        child = spawnAppliance({
          id: vm.id,
          vmDir: vm.dir,
          logPath,
          exitFile,
          listenFd: listener.fd,
          nsPrefix: ns,
          limitPrefix: limits.prefix,
          cgroupProcs: limits.procs,
          nodeFlags: nodeFlags(vm.spec.memoryMiB),
          banner: `[nephele] ${new Date().toISOString()} starting the appliance on 127.0.0.1:${listener.port} (namespaces ${nsDesc}, limits ${limits.desc})`,
        });
      } catch (e) {
        vm.phase = 'stopped';
        throw new DriverError(`VM ${vm.id}: could not spawn the appliance: ${(e as Error).message}`, 'FAILED');
      } finally {
        // The appliance has its own copy of the socket now.
        listener.server.close();
      }
      child.once('error', (e) => {
        exitInfo ??= { code: null, signal: null, error: e };
        this.childExited(vm, gen, exitInfo);
      });
      child.once('exit', (code, signal) => {
        exitInfo ??= { code, signal };
        this.childExited(vm, gen, exitInfo);
      });
      child.unref();
      vm.child = child;
      const t0 = Date.now();
      const found = child.pid ? await discover(child.pid, ns.length > 0, () => !!exitInfo || vm.gen !== gen) : undefined;
      if (!found || exitInfo || vm.gen !== gen) {
        if (vm.gen === gen) {
          // Whatever is left of this attempt goes; its exit is no failure to report.
          vm.stopping = true;
          if (!exitInfo && child.pid) killQuietly(child.pid, 'SIGKILL');
          await until(() => !!exitInfo, 3_000);
          this.detach(vm);
          vm.phase = 'stopped';
        }
        const tail = logTail(logPath);
        const why = exitInfo?.error ? exitInfo.error.message : tail || `no appliance process after ${Date.now() - t0} ms`;
        if (ns.length && attempt === 1 && vm.gen === gen) {
          // Namespaces worked when probed but not now: run without, and say so.
          this.log.warn({ vm_id: vm.id, err: why }, 'appliance did not start in its namespaces: starting it without');
          ns = [];
          nsDesc = `none (unshare failed: ${why.slice(0, 160)})`;
          continue;
        }
        throw new DriverError(`VM ${vm.id}: the appliance did not start: ${why}`, 'FAILED');
      }
      vm.pid = found.appPid;
      vm.pidStartTime = startTimeOf(found.appPid) ?? '';
      vm.initPid = found.initPid;
      vm.initStartTime = startTimeOf(found.initPid) ?? '';
      vm.hostPort = listener.port;
      vm.namespaces = nsDesc;
      vm.limits = limits.dirs.length && !inCgroups(found.appPid, vm.id, limits.dirs) ? `none (could not join ${limits.desc}: see console.log)` : limits.desc;
      vm.cgroups = limits.dirs;
      vm.oomBase = oomBase;
      vm.phase = 'running';
      this.save(vm);
      this.log.info({ vm_id: vm.id, pid: vm.pid, host_port: vm.hostPort, namespaces: vm.namespaces, limits: vm.limits, ms: Date.now() - t0 }, 'appliance started');
      return;
    }
  }

  /**
   * Adopts the running appliance of `handle` (after an agent restart): true if
   * it runs and is this VM's. A handle from before a reboot() (its pid is in the
   * VM's record of earlier incarnations) leads to the current appliance.
   */
  private adopt(handle: VmHandle): boolean {
    const dir = this.dirOf(handle.id);
    const rec = readRecord(dir);
    const same = (a: Incarnation, b: Incarnation) => a.pid === b.pid && a.pidStartTime === b.pidStartTime;
    if (handle.pid > 0 && handle.pidStartTime && isAlive(handle.pid, handle.pidStartTime) && isApplianceOf(handle.pid, dir)) {
      const init = rec && same(rec, handle) ? { pid: rec.initPid, pidStartTime: rec.initStartTime } : parseInit(handle.extra?.init);
      this.attach(handle.spec, handle, init, handle.hostPort, rec && same(rec, handle) ? rec : undefined, handle.extra ?? {});
      return true;
    }
    if (handle.pid > 0 && rec && rec.earlier?.some((e) => same(e, handle)) && isAlive(rec.pid, rec.pidStartTime) && isApplianceOf(rec.pid, dir)) {
      this.log.info({ vm_id: handle.id, handle_pid: handle.pid, pid: rec.pid }, 'handle predates a reboot: re-attaching to the current appliance');
      this.attach(handle.spec, rec, { pid: rec.initPid, pidStartTime: rec.initStartTime }, rec.hostPort, rec, {});
      return true;
    }
    return false;
  }

  /** Adopts a running appliance of VM `id` that this driver does not track (per its record). */
  private adoptUntracked(id: string, spec?: VmSpec): boolean {
    const dir = this.dirOf(id);
    const rec = readRecord(dir);
    if (!rec || !(rec.pid > 0) || !isAlive(rec.pid, rec.pidStartTime) || !isApplianceOf(rec.pid, dir)) return false;
    const tracked = this.vms.get(id);
    if (tracked && tracked.pid === rec.pid) return true;
    this.log.warn({ vm_id: id, pid: rec.pid }, 'found a running appliance of this VM that was not tracked: adopting it');
    this.attach(spec ?? tracked?.spec ?? rec.spec, rec, { pid: rec.initPid, pidStartTime: rec.initStartTime }, rec.hostPort, rec, {});
    return true;
  }

  private attach(spec: VmSpec, app: Incarnation, init: Incarnation, hostPort: number, rec: VmRecord | undefined, extra: Record<string, string>): void {
    const vm = this.vms.get(spec.id) ?? this.newVm(spec);
    this.detach(vm);
    vm.spec = spec;
    vm.gen++;
    vm.pid = app.pid;
    vm.pidStartTime = app.pidStartTime;
    vm.initPid = init.pid;
    vm.initStartTime = init.pidStartTime;
    vm.hostPort = hostPort;
    vm.stopping = false;
    vm.guestReady = false;
    vm.reason = '';
    vm.deadSince = undefined;
    vm.namespaces = rec?.namespaces ?? extra.namespaces ?? '';
    vm.limits = rec?.limits ?? extra.limits ?? '';
    vm.cgroups = rec?.cgroups ?? (extra.cgroups ? extra.cgroups.split(',') : []);
    vm.oomBase = rec?.oomBase ?? oomKills(vm.cgroups);
    vm.earlier = rec?.earlier ?? [];
    vm.phase = readStat(app.pid)?.state === 'T' ? 'suspended' : 'running';
    this.vms.set(spec.id, vm);
    this.log.info({ vm_id: spec.id, pid: vm.pid, phase: vm.phase, host_port: vm.hostPort }, 'appliance re-attached');
  }

  /** Our direct child (unshare or the VM's init) exited. */
  private childExited(vm: Vm, gen: number, info: ExitInfo): void {
    if (vm.gen !== gen) return;
    this.detach(vm);
    if (vm.pid <= 0) return; // still starting: launch() deals with it
    if (!isAlive(vm.pid, vm.pidStartTime)) this.gone(vm, gen, info);
    // else the appliance outlived its init (someone killed sh): polling watches it from now on
  }

  /** Polls one appliance that is not our child. */
  private check(vm: Vm, gen: number): void {
    if (vm.gen !== gen || vm.pid <= 0 || vm.child) return;
    if (isAlive(vm.pid, vm.pidStartTime)) {
      vm.deadSince = undefined;
      return;
    }
    // Gone: give its init a moment to record the exit status.
    if (vm.initPid > 0 && isAlive(vm.initPid, vm.initStartTime)) {
      vm.deadSince ??= Date.now();
      if (Date.now() - vm.deadSince < 2_000) return;
    }
    this.gone(vm, gen, undefined);
  }

  /** The appliance of generation `gen` is gone: `info` from our child's exit, undefined when found by polling. */
  private gone(vm: Vm, gen: number, info: ExitInfo | undefined): void {
    if (vm.gen !== gen || vm.pid <= 0) return;
    this.detach(vm);
    const reason = vm.stopping ? '' : this.exitReason(vm, info);
    vm.pid = 0;
    vm.initPid = 0;
    vm.guestReady = false;
    vm.deadSince = undefined;
    const waiters = vm.exitWaiters.splice(0);
    if (vm.stopping) {
      vm.phase = 'stopped';
      vm.reason = '';
    } else {
      vm.phase = 'failed';
      vm.reason = reason;
      this.log.warn({ vm_id: vm.id, reason }, 'appliance exited unexpectedly');
      this.notify(vm);
    }
    for (const w of waiters) w();
  }

  private notify(vm: Vm): void {
    for (const l of [...this.listeners]) {
      try {
        l(vm.id, vm.reason);
      } catch (e) {
        this.log.error({ err: (e as Error).message }, 'exit listener threw');
      }
    }
  }

  private exitReason(vm: Vm, info: ExitInfo | undefined): string {
    let status: number | undefined;
    try {
      const s = readFileSync(join(vm.dir, 'exit-status'), 'utf8').trim();
      if (/^\d+$/.test(s)) status = Number(s);
    } catch {
      /* not written: the init did not outlive it, or this is no child of ours */
    }
    // sh (and unshare, which passes sh's status on) exit with the appliance's status.
    if (status === undefined && info && info.code !== null) status = info.code;
    let what: string;
    if (info?.error) what = `could not run: ${info.error.message}`;
    else if (status !== undefined && status > 128 && SIGNAL_NAMES.has(status - 128)) what = `signal ${SIGNAL_NAMES.get(status - 128)}`;
    else if (status !== undefined) what = `exit code ${status}`;
    else if (info?.signal) what = `its init was killed by ${info.signal}`;
    else what = 'killed or crashed; exit status unknown';
    if (vm.cgroups.length && oomKills(vm.cgroups) > vm.oomBase) what += `; out of memory: killed at the memory limit (${vm.limits})`;
    const tail = status !== undefined && status > 0 && status <= 128 ? logTail(join(vm.dir, 'console.log')) : '';
    return `appliance exited unexpectedly (${what})${tail ? `: ${tail}` : ''}`;
  }

  /** Drops the watchers of a VM without touching its process. */
  private detach(vm: Vm): void {
    if (vm.child) {
      vm.child.removeAllListeners('exit');
      vm.child.removeAllListeners('error');
      vm.child.on('error', () => {});
      vm.child = undefined;
    }
  }

  private signal(vm: Vm, sig: NodeJS.Signals): void {
    if (vm.pid > 0 && isAlive(vm.pid, vm.pidStartTime)) killQuietly(vm.pid, sig);
  }

  private waitGone(vm: Vm, timeoutMs: number): Promise<boolean> {
    if (vm.pid <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const gen = vm.gen;
      const done = (v: boolean) => {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(v);
      };
      const timer = setTimeout(() => done(vm.pid <= 0), Math.max(0, timeoutMs));
      // Children report 'exit'; others are polled here more often than by the watcher.
      const poll = setInterval(() => {
        this.check(vm, gen);
        if (vm.pid <= 0 || vm.gen !== gen) done(true);
      }, 20);
      vm.exitWaiters.push(() => done(true));
    });
  }

  /** SIGTERM (and SIGCONT, for a suspended one), SIGKILL after `timeoutMs`; resolves once it is gone. */
  private async terminate(vm: Vm, timeoutMs: number): Promise<void> {
    vm.stopping = true;
    this.signal(vm, 'SIGTERM');
    this.signal(vm, 'SIGCONT');
    if (await this.waitGone(vm, timeoutMs)) return;
    this.log.warn({ vm_id: vm.id, timeout_ms: timeoutMs }, 'appliance did not stop in time: SIGKILL');
    this.signal(vm, 'SIGKILL');
    if (await this.waitGone(vm, 5_000)) return;
    throw new DriverError(`VM ${vm.id}: the appliance (pid ${vm.pid}) survived SIGKILL`, 'FAILED');
  }

  private async stopLocked(id: string, timeoutMs: number): Promise<void> {
    let vm = this.vms.get(id);
    if ((!vm || vm.pid <= 0) && VM_ID_RE.test(id) && this.adoptUntracked(id, vm?.spec)) vm = this.vms.get(id);
    if (!vm || vm.pid <= 0) {
      if (vm && vm.phase !== 'failed') {
        vm.phase = 'stopped';
        vm.guestReady = false;
      }
      return;
    }
    await this.terminate(vm, timeoutMs);
  }

  private save(vm: Vm): void {
    try {
      writeJson(join(vm.dir, 'driver.json'), this.recordOf(vm));
    } catch (e) {
      this.log.warn({ vm_id: vm.id, err: (e as Error).message }, 'could not write driver.json');
    }
  }

  private probeReady(vm: Vm): Promise<void> {
    if (!vm.probe) {
      const gen = vm.gen;
      vm.probe = httpOk(vm.hostPort, '/health', 1_000)
        .then((ok) => {
          if (ok && vm.gen === gen && vm.pid > 0 && vm.phase === 'running') vm.guestReady = true;
        })
        .finally(() => (vm.probe = undefined));
    }
    return vm.probe;
  }
}

// ---------------------------------------------------------------- helpers

function killQuietly(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

async function until(cond: () => boolean, timeoutMs: number, intervalMs = 5): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (cond()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

/** GET http://127.0.0.1:<port><path> answered 200 within `timeoutMs`. */
function httpOk(port: number, path: string, timeoutMs: number): Promise<boolean> {
  if (!(port > 0)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    const timer = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.on('close', () => clearTimeout(timer));
    req.end();
  });
}

function writeJson(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`);
  renameSync(tmp, file);
}

function readConfig(file: string): Record<string, string> {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return c && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, string>) : {};
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new DriverError(`config ${file} unreadable: ${(e as Error).message}`, 'FAILED');
  }
}

function readRecord(dir: string): VmRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(join(dir, 'driver.json'), 'utf8')) as VmRecord;
    return r && typeof r.pid === 'number' && r.spec ? r : undefined;
  } catch {
    return undefined;
  }
}

function parseInit(s: string | undefined): Incarnation {
  const m = /^(\d+):(\d+)$/.exec(s ?? '');
  return m ? { pid: Number(m[1]), pidStartTime: m[2]! } : { pid: 0, pidStartTime: '' };
}

/** Last meaningful line of the console log (not our own banners). */
function logTail(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = statSync(file).size;
    const n = Math.min(size, 4096);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, size - n);
    const lines = buf.toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('[nephele]'));
    return (lines.at(-1) ?? '').slice(0, 300);
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Keeps one previous console log once it grows past a few MiB. */
function rotate(file: string): void {
  try {
    if (statSync(file).size > LOG_ROTATE_BYTES) renameSync(file, `${file}.1`);
  } catch {
    /* none yet */
  }
}
