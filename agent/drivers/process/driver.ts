import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../../common/logger.js';
import {
  DriverError,
  isTask,
  taskExitReason,
  type Capabilities,
  type CaptureResult,
  type ConfigApply,
  type Driver,
  type ExitListener,
  type Fingerprint,
  type VmHandle,
  type VmSpec,
  type VmStats,
  type VmStatus,
  type ApplianceSample,
  type AppActionRequest,
  type GuestEvent,
} from '../driver.js';
import { BusSockets } from './bus-socket.js';
import { limit, removeCgroup, type CgroupMode } from './cgroup.js';
import { isAlive as isSame, startTimeOf } from '../proc.js';
import { cgroupOf, processVmStats } from './usage.js';
import { contTree, killTree, livePids, procState, signalDescendants, stopTree } from './proc.js';
import type { VmFence } from '../../fence/fence.js';
import { EXIT_FILE, readExitCode, renderPage, writeReadable } from './files.js';
import { APPLIANCE, spawnVm } from './launch.js';
import { guestCommand } from './guest.js';
import { probeHost, vmUid, type Isolation } from './probe.js';
import { answersHealth, freePort, portFor } from './ports.js';
import { resizedHandle } from './cgroup.js';
import { resourcesOf } from '../../../common/limits.js';
import { DEFAULT_UIDS, prepareDirs, type UidRange } from './sandbox.js';
import { captureDir, configureDir, extractBase, manifestOf, putToken, removeToken, tokenHashOf } from './manage.js';
import { ExeHashCache, execInSandbox, killInTree, sampleOf } from './monitor.js';

interface Vm {
  handle: VmHandle;
  phase: 'creating' | 'running' | 'suspended' | 'stopped' | 'failed';
  reason: string;
  expectingExit: boolean;
  ready: boolean;
}

export interface ProcessDriverOptions {
  stateDir: string;
  log?: Logger;
  /** Stops the VMs if the agent dies and does not come back in time (agent/fence). */
  fence?: VmFence;
  /** Unprivileged uids handed out one per VM (default 200000-265535). */
  uids?: UidRange;
}

/**
 * The `process` scheme: the appliance, or a tenant's task, as a supervised
 * child under cgroup memory/CPU limits (when writable). Where the host can
 * isolate (probed at fingerprint: `isolation: full`), every VM runs in its
 * sandbox (sandbox.ts) as its own uid; where it cannot (`isolation: none`, e.g.
 * a non-root agent), tasks are refused and the appliance runs as before, in
 * PID, IPC and UTS namespaces when unshare works. Children are detached, so
 * they outlive an agent restart and are re-attached by pid + start time.
 */
export class ProcessDriver implements Driver {
  readonly scheme = 'process';
  private readonly vms = new Map<string, Vm>();
  private readonly listeners: ExitListener[] = [];
  private readonly log: Logger;
  private unshare?: boolean;
  private cgroups: CgroupMode = 'none';
  private isolation: Isolation = { full: false, reason: 'not probed yet' };
  private probing?: Promise<void>;
  private readonly uids: UidRange;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: ProcessDriverOptions) {
    this.log = o.log ?? silentLogger;
    this.uids = o.uids ?? DEFAULT_UIDS;
    mkdirSync(o.stateDir, { recursive: true });
    // Processes may not be our children (after a restart): watch them all by polling.
    this.timer = setInterval(() => this.watch(), 250);
    this.timer.unref();
  }

  /** busybox httpd when the host has busybox (a few hundred KiB a VM), else the Node appliance. */
  private busybox?: string;

  private probe(): Promise<void> {
    return (this.probing ??= this.runProbe());
  }

  private async runProbe(): Promise<void> {
    const h = await probeHost(this.o.stateDir, this.uids, this.log);
    [this.busybox, this.unshare, this.cgroups, this.isolation] = [h.busybox, h.unshare, h.cgroups, h.isolation];
  }

  async fingerprint(): Promise<Fingerprint> {
    await this.probe();
    const full = this.isolation.full;
    const last = this.uids.first + this.uids.count - 1;
    return {
      scheme: 'process',
      healthy: existsSync(APPLIANCE),
      detail: existsSync(APPLIANCE) ? 'supervised processes' : `appliance missing at ${APPLIANCE}`,
      attributes: {
        isolation: full ? 'full' : 'none',
        ...(full ? { uids: `${this.uids.first}-${last}` } : { isolation_reason: this.isolation.reason }),
        namespaces: full ? 'mount,pid,ipc,uts,net(tasks)' : this.unshare ? 'pid,ipc,uts,mount' : 'none',
        limits: this.cgroups,
        appliance: this.busybox ? 'busybox-httpd' : 'node',
      },
    };
  }

  /** The VM's uid: the one it recorded, else the lowest no other VM on this host holds. */
  private uidFor(id: string): number {
    return vmUid(this.o.stateDir, this.dir(id), id, this.uids);
  }

  capabilities(): Capabilities {
    return {
      suspend: true,
      reboot: true,
      guestChannel: true,
      captureDisk: false,
      cloneDisk: false,
      portForward: true,
      management: true,
    };
  }

  onExit(l: ExitListener): void {
    this.listeners.push(l);
  }

  consolePath(id: string): string | undefined {
    const p = join(this.dir(id), 'console.log');
    return existsSync(p) ? p : undefined;
  }

  private dir(id: string): string {
    return join(this.o.stateDir, id);
  }

  async create(spec: VmSpec): Promise<VmHandle> {
    if (!/^[0-9A-Z]{26}$/.test(spec.id)) throw new DriverError('bad vm id', 'INVALID_SPEC');
    const cur = this.vms.get(spec.id);
    if (cur && isSame(cur.handle.pid, cur.handle.pidStartTime))
      throw new DriverError('a vm with this id already runs', 'FAILED');
    const dir = this.dir(spec.id);
    // Root-only: what the agent reads back (handle, exit status, uid) is beyond the workload's reach.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A clone: the image's appliance files first, the spec's config over its config.
    const base = spec.base ? extractBase(dir, spec.base, spec.diskGiB) : {};
    writeReadable(join(dir, 'config.json'), JSON.stringify({ title: 'Nephele appliance', ...base, ...spec.config }));
    if (!isTask(spec)) renderPage(dir, spec.id);
    const handle: VmHandle = {
      id: spec.id,
      scheme: 'process',
      spec,
      pid: 0,
      pidStartTime: '',
      hostPort: 0,
      extra: { dir, hidden: spec.hidden ? '1' : '' },
    };
    // A task serves nothing: no port.
    return this.launch(handle, isTask(spec) ? 0 : await freePort());
  }

  private async launch(handle: VmHandle, port: number): Promise<VmHandle> {
    await this.probe();
    const dir = this.dir(handle.id);
    const task = handle.spec.config.task;
    // Tenant code runs only in the sandbox: fail closed where the host cannot build one.
    if (task && !this.isolation.full)
      throw new DriverError(
        `refused: this host cannot isolate a task (process isolation: none: ${this.isolation.reason})`,
        'UNSUPPORTED',
      );
    const sandboxed = this.isolation.full;
    const hidden = !task && handle.extra.hidden === '1'; // its own network namespace, no port forward
    if (hidden && !sandboxed && !this.unshare)
      throw new DriverError('refused: this host cannot hide a process vm (no network namespace)', 'UNSUPPORTED');
    const uid = sandboxed ? this.uidFor(handle.id) : 0;
    if (sandboxed) prepareDirs(dir, uid);
    if (task) rmSync(join(dir, EXIT_FILE), { force: true });
    const { pid, wrapper, go } = await spawnVm({
      id: handle.id,
      spec: handle.spec,
      dir,
      port,
      uid,
      sandboxed,
      busybox: this.busybox,
      unshare: !!this.unshare,
      isolatedNet: hidden,
    });
    const applied = limit(this.cgroups, handle.id, pid, resourcesOf(handle.spec).memoryBytes, handle.spec.vcpus);
    const next: VmHandle = {
      ...handle,
      pid,
      pidStartTime: startTimeOf(pid) ?? '',
      hostPort: hidden ? 0 : port,
      extra: {
        ...handle.extra,
        port: String(port),
        limits: applied,
        isolation: sandboxed ? 'full' : 'none',
        ...(sandboxed ? { uid: String(uid) } : {}),
        namespaces: sandboxed ? `mount,pid,ipc,uts${task ? ',net' : ''}` : this.unshare ? 'pid,ipc,uts,mount' : 'none',
        appliance: task ? 'task' : this.busybox ? 'busybox-httpd' : 'node',
        wrapper: String(wrapper),
      },
    };
    this.guard(next);
    writeFileSync(join(dir, 'handle.json'), JSON.stringify(next));
    this.vms.set(handle.id, { handle: next, phase: 'creating', reason: '', expectingExit: false, ready: false });
    // Under its limits and on record: now the task may run.
    go();
    this.log.debug({ vm_id: handle.id, pid, port, limits: applied }, 'process vm started');
    return next;
  }

  async start(handle: VmHandle): Promise<VmHandle> {
    const cur = this.vms.get(handle.id);
    if (cur && isSame(cur.handle.pid, cur.handle.pidStartTime)) return cur.handle;
    // setHidden on a stopped VM is recorded in the driver's handle, newer than the runner's.
    const hidden = cur?.handle.extra.hidden ?? handle.extra.hidden ?? '';
    const h = { ...handle, extra: { ...handle.extra, hidden } };
    return this.launch(h, isTask(handle.spec) ? 0 : await portFor(h));
  }

  async recover(given: VmHandle): Promise<boolean> {
    // The runner's handle may predate a reboot (new pid); the driver's own record is newer.
    let handle = given;
    if (!isSame(handle.pid, handle.pidStartTime)) {
      try {
        const mine = JSON.parse(readFileSync(join(this.dir(given.id), 'handle.json'), 'utf8')) as VmHandle;
        if (!isSame(mine.pid, mine.pidStartTime)) return false;
        handle = mine;
      } catch {
        return false;
      }
    }
    this.guard(handle);
    const suspended = procState(handle.pid) === 'T';
    const phase = suspended ? 'suspended' : 'running';
    this.vms.set(handle.id, { handle, phase, reason: '', expectingExit: false, ready: !suspended });
    return true;
  }

  private get(id: string): Vm {
    const v = this.vms.get(id);
    if (!v) throw new DriverError('no such vm on this driver', 'NOT_FOUND');
    return v;
  }

  /** The VM's process, only while it is still the same process (never a reused pid). */
  private live(id: string): Vm {
    const v = this.get(id);
    if (!isSame(v.handle.pid, v.handle.pidStartTime)) throw new DriverError('the vm is not running', 'FAILED');
    return v;
  }

  async resize(h: VmHandle, spec: VmSpec): Promise<VmHandle> {
    const v = this.live(h.id);
    return (v.handle = resizedHandle(this.cgroups, v.handle, spec, { dir: this.dir(h.id) }));
  }

  async stop(id: string, timeoutMs: number): Promise<void> {
    this.bus.close(id);
    const v = this.vms.get(id);
    if (!v || !isSame(v.handle.pid, v.handle.pidStartTime)) {
      if (v) v.phase = 'stopped';
      this.o.fence?.release(id);
      return;
    }
    v.expectingExit = true;
    const { pid, pidStartTime } = v.handle;
    contTree(pid); // a suspended process cannot handle SIGTERM
    if (v.handle.extra.appliance === 'task') {
      // The task's own processes get SIGTERM; the wrapper then records their status and exits.
      signalDescendants(pid, 'SIGTERM');
    } else {
      try {
        // busybox httpd has nothing to flush; as a PID namespace's init it would ignore SIGTERM anyway.
        process.kill(pid, v.handle.extra.appliance === 'busybox-httpd' ? 'SIGKILL' : 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    const deadline = Date.now() + timeoutMs;
    while (isSame(pid, pidStartTime) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (isSame(pid, pidStartTime)) {
      // The whole tree: without a PID namespace, killing only the top would orphan the rest.
      killTree(pid);
      while (isSame(pid, pidStartTime)) await new Promise((r) => setTimeout(r, 10));
    }
    this.o.fence?.release(id);
    v.phase = 'stopped';
    v.ready = false;
  }

  /** busybox httpd as a namespace's init ignores SIGTERM: the fence kills it outright. */
  private guard(h: VmHandle): void {
    this.bus.open(h.id, this.dir(h.id)); // launched or recovered: its bus socket listens
    this.o.fence?.guard(h.id, h.pid, h.pidStartTime, h.extra.appliance === 'busybox-httpd' ? 'kill' : 'term');
  }

  async destroy(id: string): Promise<void> {
    await this.stop(id, 2000);
    this.vms.delete(id);
    removeCgroup(this.cgroups, id);
    rmSync(this.dir(id), { recursive: true, force: true });
  }

  // The whole process tree: a task's shell (or a forked request handler) has children.
  async suspend(id: string): Promise<void> {
    const v = this.live(id);
    stopTree(v.handle.pid);
    v.phase = 'suspended';
  }

  async resume(id: string): Promise<void> {
    const v = this.live(id);
    contTree(v.handle.pid);
    v.phase = 'running';
  }

  async reboot(id: string): Promise<void> {
    const v = this.get(id);
    await this.stop(id, 5000);
    await this.launch(v.handle, v.handle.hostPort || Number(v.handle.extra.port ?? 0));
  }

  async inspect(id: string): Promise<VmStatus> {
    const v = this.get(id);
    // A task, or a hidden appliance, is ready once it runs: there is nothing to probe.
    if (v.phase === 'creating' && !v.ready)
      v.ready = isTask(v.handle.spec) || !v.handle.hostPort || (await answersHealth(v.handle.hostPort));
    if (v.phase === 'creating' && v.ready) v.phase = 'running';
    return { phase: v.phase, reason: v.reason, guestReady: v.ready, hostPort: v.handle.hostPort, pid: v.handle.pid };
  }

  async stats(id: string): Promise<VmStats> {
    const { handle } = this.live(id);
    return processVmStats(handle.pid, cgroupOf(id, handle.extra.limits ?? ''));
  }

  async guestRequest(id: string, command: string): Promise<string> {
    return guestCommand(this.dir(id), id, this.get(id).handle.pid, command);
  }

  // ---- management instances (manage.ts); the VM must be known here (else NOT_FOUND) ----
  private known = (id: string): string => (this.get(id), this.dir(id));
  readonly tokenPut = async (id: string, token: string): Promise<void> => putToken(this.known(id), token);
  readonly tokenHash = async (id: string): Promise<string> => tokenHashOf(this.known(id));
  readonly tokenRemove = async (id: string): Promise<void> => removeToken(this.known(id));
  readonly readManifest = async (id: string): Promise<string> => manifestOf(this.known(id));
  // No pause needed: the appliance cannot write its dir (root-only); the agent serializes commands per VM.
  readonly capture = async (id: string, out: string): Promise<CaptureResult> => captureDir(this.known(id), out);

  async configure(id: string, change: ConfigApply): Promise<void> {
    const v = this.get(id);
    configureDir(this.dir(id), id, change, isTask(v.handle.spec));
    // Restarted so it re-reads everything (version, data files), as a guest's appliance would be.
    if (isSame(v.handle.pid, v.handle.pidStartTime)) await this.reboot(id);
    this.log.info({ vm_id: id, keys: Object.keys(change.config).length, files: change.files.length }, 'configured');
  }

  async setHidden(id: string, hidden: boolean): Promise<void> {
    const v = this.get(id);
    if ((v.handle.extra.hidden === '1') === hidden) return;
    v.handle = { ...v.handle, extra: { ...v.handle.extra, hidden: hidden ? '1' : '' } };
    if (isSame(v.handle.pid, v.handle.pidStartTime) && !isTask(v.handle.spec)) {
      await this.stop(id, 5000);
      await this.launch(v.handle, await portFor(v.handle));
    } else writeFileSync(join(this.dir(id), 'handle.json'), JSON.stringify(v.handle));
    this.log.info({ vm_id: id, hidden }, hidden ? 'vm hidden: no port forward' : 'vm port forward restored');
  }

  /** Finds processes that ended without being told to (a task that finished, a crash). */
  private watch(): void {
    for (const [id, v] of this.vms) {
      if (v.phase === 'stopped' || v.phase === 'failed' || v.expectingExit) continue;
      if (isSame(v.handle.pid, v.handle.pidStartTime)) continue;
      v.ready = false;
      this.o.fence?.release(id);
      if (isTask(v.handle.spec)) {
        const exitCode = this.readExit(id);
        v.phase = exitCode === 0 ? 'stopped' : 'failed';
        v.reason = taskExitReason(exitCode);
        for (const l of this.listeners) l(id, v.reason, exitCode === undefined ? {} : { exitCode });
        continue;
      }
      v.phase = 'failed';
      v.reason = 'appliance process exited unexpectedly (killed or crashed)';
      // The app is the VM's only workload: a fault for the monitor (polls at once) and an exit for the runner.
      for (const l of this.guestListeners) l(id, { kind: 'fault', detail: 'app-exited' });
      for (const l of this.listeners) l(id, v.reason);
    }
  }

  private readExit = (id: string) => readExitCode(this.dir(id));
  readonly taskExit = async (h: VmHandle) => (isTask(h.spec) ? this.readExit(h.id) : undefined);

  readonly guestPids = (): number[] => livePids([...this.vms.values()].map((v) => v.handle));

  // ---- the appliance monitor (monitor.ts) ----
  private readonly hashes = new ExeHashCache();
  private readonly guestListeners = new Set<(id: string, e: GuestEvent) => void>();
  private appPid = (v: Vm) => (isSame(v.handle.pid, v.handle.pidStartTime) ? v.handle.pid : 0);
  readonly monitorSample = async (id: string): Promise<ApplianceSample> =>
    sampleOf(this.dir(id), this.appPid(this.get(id)), this.hashes);

  onGuestEvent(l: (id: string, e: GuestEvent) => void): () => void {
    return (this.guestListeners.add(l), () => void this.guestListeners.delete(l));
  }

  async guestExec(id: string, argv: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    const memoryMiB = this.get(id).handle.spec.memoryMiB;
    await this.probe();
    return execInSandbox({ dir: this.dir(id), uid: this.uidFor(id), memoryMiB, argv, timeoutMs }, this.isolation);
  }

  /** The app is the VM's process: stop_app ends it but the VM stays (running, app stopped), not an exit. */
  async appAction(id: string, a: AppActionRequest): Promise<string> {
    const v = this.get(id);
    if (isTask(v.handle.spec)) throw new DriverError('a task vm has no appliance', 'UNSUPPORTED');
    if (a.kind === 'kill_process') return killInTree(this.appPid(v), a, this.hashes);
    if (a.kind === 'stop_app') {
      await this.stop(id, 5000);
      [v.phase, v.reason] = ['running', 'app stopped by the monitor'];
      return 'app stopped';
    }
    if (a.kind === 'update_app')
      configureDir(this.dir(id), id, { config: {}, files: [], applianceVersion: a.version ?? '' }, false);
    await this.reboot(id);
    return a.kind === 'update_app' ? `app updated to ${a.version ?? ''}` : 'app restarted';
  }

  private readonly bus = new BusSockets(() => this.log);
  readonly onBus: Driver['onBus'] = (l) => this.bus.listen(l);
  readonly busDeliver: Driver['busDeliver'] = (id, d) => this.bus.deliver(id, d);
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.bus.closeAll();
  }
}
