import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger, type Logger } from '../../../common/logger.js';
import { DriverError, isTask, taskExitReason, type Capabilities, type Driver, type ExitListener, type Fingerprint, type VmHandle, type VmSpec, type VmStats, type VmStatus } from '../driver.js';
import { detectCgroups, limit, removeCgroup, type CgroupMode } from './cgroup.js';
import { cpuSeconds, isAlive as isSame, rssBytes, startTimeOf, uptimeSeconds } from '../proc.js';
import { children, contTree, ioBytes, killTree, procState, signalDescendants, stopTree } from './proc.js';
import type { VmFence } from '../../fence/fence.js';

const APPLIANCE = fileURLToPath(new URL('./appliance.js', import.meta.url));

/** Where a task VM's wrapper records the task's exit status (survives an agent restart). */
const EXIT_FILE = 'exit-code';

/**
 * Runs a task VM's command line. It waits for "go" on stdin, so the agent can
 * put it under its cgroup limits before it runs anything, then records the
 * exit status in a file: the wrapper may outlive the agent that started it
 * (and is then nobody's child the agent can wait for).
 */
const TASK_WRAPPER = [
  'IFS= read -r go || exit 125',
  '[ "$go" = go ] || exit 125',
  'sh -c "$1" </dev/null',
  'rc=$?',
  'printf \'%s\\n\' "$rc" > "$2.tmp" && mv "$2.tmp" "$2"',
  'exit $rc',
].join('\n');

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
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The busybox appliance serves files: render its page and health check from the config. */
function renderPage(dir: string, id: string): void {
  let cfg: Record<string, string> = {};
  try {
    cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, string>;
  } catch {
    /* defaults */
  }
  const title = cfg.title || 'Nephele appliance';
  mkdirSync(join(dir, 'www'), { recursive: true });
  writeFileSync(join(dir, 'www', 'index.html'), `<!doctype html><title>${esc(title)}</title><h1>${esc(title)}</h1><p>vm ${esc(id)}</p>\n`);
  writeFileSync(join(dir, 'www', 'health'), 'ok\n');
}

/** A task's whole environment: it must not see the agent's (join token, credentials paths). */
function taskEnv(spec: VmSpec, dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: dir,
    LANG: 'C.UTF-8',
    NEPHELE_VM_ID: spec.id,
    NEPHELE_VM_NAME: spec.name,
  };
}

/** Ports handed out but maybe not yet bound by their appliance. */
const reserved = new Set<number>();

/** Free TCP port on 127.0.0.1 (the kernel picks it), not one just handed to another VM. */
async function freePort(): Promise<number> {
  for (;;) {
    const p = await kernelPort();
    if (reserved.has(p)) continue;
    reserved.add(p);
    setTimeout(() => reserved.delete(p), 30_000).unref();
    return p;
  }
}

function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * The `process` scheme: the appliance as a supervised child in its own PID, IPC
 * and UTS namespaces (when unshare works) under cgroup memory/CPU limits (when
 * writable). Children are detached, so they outlive an agent restart and are
 * re-attached by pid + start time.
 */
export class ProcessDriver implements Driver {
  readonly scheme = 'process';
  private readonly vms = new Map<string, Vm>();
  private readonly listeners: ExitListener[] = [];
  private readonly log: Logger;
  private unshare?: boolean;
  private cgroups: CgroupMode = 'none';
  private probed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: ProcessDriverOptions) {
    this.log = o.log ?? silentLogger;
    mkdirSync(o.stateDir, { recursive: true });
    // Processes may not be our children (after a restart): watch them all by polling.
    this.timer = setInterval(() => this.watch(), 250);
    this.timer.unref();
  }

  /** busybox httpd when the host has busybox (a few hundred KiB a VM), else the Node appliance. */
  private busybox?: string;

  private probe(): void {
    if (this.probed) return;
    this.probed = true;
    const bb = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
    if (bb && spawnSync(bb, ['httpd', '--help'], { encoding: 'utf8' }).stderr.includes('httpd')) this.busybox = bb;
    this.unshare = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', '--ipc', '--uts', 'true'], { timeout: 5000 }).status === 0;
    this.cgroups = detectCgroups();
  }

  async fingerprint(): Promise<Fingerprint> {
    this.probe();
    return {
      scheme: 'process',
      healthy: existsSync(APPLIANCE),
      detail: existsSync(APPLIANCE) ? 'supervised processes' : `appliance missing at ${APPLIANCE}`,
      attributes: { namespaces: this.unshare ? 'pid,ipc,uts,mount' : 'none', limits: this.cgroups, appliance: this.busybox ? 'busybox-httpd' : 'node' },
    };
  }

  capabilities(): Capabilities {
    return { suspend: true, reboot: true, guestChannel: true, captureDisk: false, cloneDisk: false, portForward: true };
  }

  onExit(l: ExitListener): void {
    this.listeners.push(l);
  }

  private dir(id: string): string {
    return join(this.o.stateDir, id);
  }

  async create(spec: VmSpec): Promise<VmHandle> {
    if (!/^[0-9A-Z]{26}$/.test(spec.id)) throw new DriverError('bad vm id', 'INVALID_SPEC');
    const cur = this.vms.get(spec.id);
    if (cur && isSame(cur.handle.pid, cur.handle.pidStartTime)) throw new DriverError('a vm with this id already runs', 'FAILED');
    const dir = this.dir(spec.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ title: 'Nephele appliance', ...spec.config }));
    if (!isTask(spec)) renderPage(dir, spec.id);
    const handle: VmHandle = { id: spec.id, scheme: 'process', spec, pid: 0, pidStartTime: '', hostPort: 0, extra: { dir } };
    // A task serves nothing: no port.
    return this.launch(handle, isTask(spec) ? 0 : await freePort());
  }

  private async launch(handle: VmHandle, port: number): Promise<VmHandle> {
    this.probe();
    const dir = this.dir(handle.id);
    const task = handle.spec.config.task;
    const out = openSync(join(dir, 'console.log'), 'a');
    const exitFile = join(dir, EXIT_FILE);
    if (task) rmSync(exitFile, { force: true });
    const app = task
      ? ['sh', '-c', TASK_WRAPPER, 'nephele-task', task, exitFile]
      : this.busybox
        ? [this.busybox, 'httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', join(dir, 'www')]
        : [process.execPath, APPLIANCE, '--vm', handle.id, '--dir', dir, '--port', String(port)];
    const argv = this.unshare ? ['unshare', '--pid', '--fork', '--mount-proc', '--ipc', '--uts', '--', ...app] : app;
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true,
      stdio: [task ? 'pipe' : 'ignore', out, out],
      // A tenant's command gets a clean environment: never the agent's (join token, paths).
      ...(task ? { cwd: dir, env: taskEnv(handle.spec, dir) } : {}),
    });
    closeSync(out);
    child.unref();
    child.on('error', () => {});
    child.stdin?.on('error', () => {});
    // Without "go" the wrapper exits 125 without running the task.
    const abort = () => child.stdin?.destroy();
    let pid = child.pid ?? 0;
    if (!pid) throw new DriverError(`could not start the ${task ? 'task' : 'appliance'}`);
    const wrapper = this.unshare ? pid : 0;
    if (this.unshare) {
      // The appliance is unshare's child, init of the new PID namespace.
      for (let i = 0; i < 200 && children(wrapper).length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      pid = children(wrapper)[0] ?? 0;
      if (!pid) {
        abort();
        throw new DriverError(`${task ? 'task' : 'appliance'} did not start inside its namespaces`);
      }
    }
    const applied = limit(this.cgroups, handle.id, pid, handle.spec.memoryMiB * 1048576, handle.spec.vcpus);
    const next: VmHandle = {
      ...handle,
      pid,
      pidStartTime: startTimeOf(pid) ?? '',
      hostPort: port,
      extra: {
        ...handle.extra,
        limits: applied,
        namespaces: this.unshare ? 'pid,ipc,uts,mount' : 'none',
        appliance: task ? 'task' : this.busybox ? 'busybox-httpd' : 'node',
        wrapper: String(wrapper),
      },
    };
    this.guard(next);
    writeFileSync(join(dir, 'handle.json'), JSON.stringify(next));
    this.vms.set(handle.id, { handle: next, phase: 'creating', reason: '', expectingExit: false, ready: false });
    // Under its limits and on record: now the task may run.
    if (task) child.stdin!.end('go\n');
    this.log.debug({ vm_id: handle.id, pid, port, limits: applied }, 'process vm started');
    return next;
  }

  async start(handle: VmHandle): Promise<VmHandle> {
    const cur = this.vms.get(handle.id);
    if (cur && isSame(cur.handle.pid, cur.handle.pidStartTime)) return cur.handle;
    const port = isTask(handle.spec) ? 0 : handle.hostPort && (await portFree(handle.hostPort)) ? handle.hostPort : await freePort();
    return this.launch(handle, port);
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
    this.vms.set(handle.id, { handle, phase: suspended ? 'suspended' : 'running', reason: '', expectingExit: false, ready: !suspended });
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

  async stop(id: string, timeoutMs: number): Promise<void> {
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
        // busybox httpd serves static files and has nothing to flush; as a PID
        // namespace's init it would ignore SIGTERM anyway.
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
    await this.launch(v.handle, v.handle.hostPort);
  }

  async inspect(id: string): Promise<VmStatus> {
    const v = this.get(id);
    // A task is ready once it runs: it serves nothing to probe.
    if (v.phase === 'creating' && !v.ready) v.ready = isTask(v.handle.spec) || (await this.healthy(v.handle.hostPort));
    if (v.phase === 'creating' && v.ready) v.phase = 'running';
    return { phase: v.phase, reason: v.reason, guestReady: v.ready, hostPort: v.handle.hostPort, pid: v.handle.pid };
  }

  private async healthy(port: number): Promise<boolean> {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(500) });
      return r.ok;
    } catch {
      return false;
    }
  }

  async stats(id: string): Promise<VmStats> {
    const { pid } = this.live(id).handle;
    const io = ioBytes(pid);
    return { cpuSeconds: cpuSeconds(pid), uptimeSeconds: uptimeSeconds(pid), memoryBytes: rssBytes(pid), diskReadBytes: io.read, diskWriteBytes: io.write, netRxBytes: 0, netTxBytes: 0 };
  }

  async guestRequest(id: string, command: string): Promise<string> {
    const v = this.get(id);
    const [cmd, key, ...rest] = command.trim().split(/\s+/);
    const file = join(this.dir(id), 'config.json');
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    switch (cmd) {
      case 'ping':
        return 'pong';
      case 'config-get':
        if (!key || !(key in cfg)) throw new DriverError('no such key', 'NOT_FOUND');
        return cfg[key]!;
      case 'config-set':
        if (!key || !/^[a-z0-9_-]+$/.test(key)) throw new DriverError('bad key', 'INVALID_SPEC');
        writeFileSync(file, JSON.stringify({ ...cfg, [key]: rest.join(' ') }));
        renderPage(this.dir(id), id);
        return '';
      case 'ps':
        return `${v.handle.pid}:node`;
      default:
        throw new DriverError(`unknown command ${cmd}`, 'UNSUPPORTED');
    }
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
      for (const l of this.listeners) l(id, v.reason);
    }
  }

  private readExit(id: string): number | undefined {
    try {
      const n = Number(readFileSync(join(this.dir(id), EXIT_FILE), 'utf8').trim());
      return Number.isInteger(n) ? n : undefined;
    } catch {
      return undefined;
    }
  }

  async taskExit(handle: VmHandle): Promise<number | undefined> {
    return isTask(handle.spec) ? this.readExit(handle.id) : undefined;
  }

  guestPids(): number[] {
    const out: number[] = [];
    for (const v of this.vms.values()) {
      const { pid, pidStartTime } = v.handle;
      if (!isSame(pid, pidStartTime)) continue;
      out.push(pid);
      // The unshare wrapper above the namespace's init lives exactly as long as it.
      const w = Number(v.handle.extra.wrapper ?? 0);
      if (w > 0) out.push(w);
    }
    return out;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }
}
