// One VM's QEMU process, as Nomad's drivers/qemu handle.go and
// firecracker-go-sdk's Machine: launch (or adopt after an agent restart), its
// usage, and the stop escalation (guest poweroff, ACPI powerdown, quit,
// SIGKILL); the connections, readiness and how it ended are qemu-process.ts's.
// The driver (driver.ts) owns disks, images, validation and the per-VM lock.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { DriverError, zeroStats, type VmHandle, type VmStats } from '../driver.js';
import { GuestChannel } from './guest-channel.js';
import { addGuestNet } from './usage.js';
import type { GuestImage } from './image.js';
import { fileSize, freePort, isOurQemu, logTail, qemuArgs, spawnQemu, type ExitStatus } from './launch.js';
import { cpuSeconds, hostCpuKhz, isAlive, rssBytes, startTimeOf, uptimeSeconds } from '../proc.js';
import { QmpClient } from './qmp.js';
import { QemuProcess } from './qemu-process.js';

export type { InstanceContext } from './qemu-process.js';

export class QemuInstance extends QemuProcess {
  async stats(): Promise<VmStats> {
    const s = zeroStats();
    if (this.pid <= 0) return s;
    s.cpuSeconds = cpuSeconds(this.pid);
    s.memoryBytes = rssBytes(this.pid);
    s.uptimeSeconds = uptimeSeconds(this.pid);
    s.sources = { cpu: 'proc', memory: 'proc', disk: 'none', net: 'none' };
    try {
      const qmp = await this.qmpOf();
      const blocks = await qmp.execute<Array<{ device?: string; stats?: { rd_bytes?: number; wr_bytes?: number } }>>(
        'query-blockstats',
        undefined,
        2_000,
      );
      const d0 = blocks.find((b) => b.device === 'd0') ?? blocks[0];
      s.diskReadBytes = d0?.stats?.rd_bytes ?? 0;
      s.diskWriteBytes = d0?.stats?.wr_bytes ?? 0;
      s.sources.disk = 'qmp';
    } catch (e) {
      this.ctx.log.debug({ vm_id: this.id, err: e }, 'query-blockstats failed');
    }
    await addGuestNet(s, this);
    return s;
  }

  handle(): VmHandle {
    const p = this.paths;
    return {
      id: this.id,
      scheme: 'qemu',
      spec: this.spec,
      pid: this.pid,
      pidStartTime: this.pidStartTime,
      hostPort: this.hostPort,
      extra: { dir: p.dir, overlay: p.overlay, qmp: p.qmp, ga: p.ga, accel: this.accel },
    };
  }

  /** Spawns QEMU, waits until QMP answers (QEMU fully initialised), connects the guest channel. */
  async launch(image: GuestImage, preferredPort: number): Promise<void> {
    const log = this.ctx.log;
    const tscKhz = this.accel === 'tcg' ? hostCpuKhz() : undefined;
    if (this.accel === 'tcg' && !tscKhz)
      log.warn({ vm_id: this.id }, "no 'cpu MHz' in /proc/cpuinfo: booting under TCG without tsc_early_khz may hang");
    // A fresh process is not paused by any capture.
    rmSync(this.paths.capturePaused, { force: true });
    for (let attempt = 1; ; attempt++) {
      // Hidden (a management instance): no forward at all until setHidden(false).
      this.hostPort = this.hidden ? 0 : await freePort(attempt === 1 ? preferredPort : 0);
      for (const f of [this.paths.qmp, this.paths.ga, this.paths.pidfile]) rmSync(f, { force: true });
      const args = qemuArgs({
        name: this.id,
        accel: this.accel,
        memoryMiB: this.spec.memoryMiB,
        vcpus: this.spec.vcpus,
        kernel: image.kernel,
        initrd: image.initrd,
        bootArgs: image.manifest.bootArgs,
        tscKhz,
        paths: this.paths,
        hostPort: this.hostPort,
        appliancePort: this.spec.appliancePort,
        guestAgentPort: image.manifest.guestAgentPort,
      });
      const gen = ++this.gen;
      this.stopping = false;
      this.shutdown = undefined;
      this.guestReady = false;
      this.bootId = undefined;
      this.reason = '';
      this.phase = 'creating';
      const logStart = fileSize(this.paths.log);
      const child = spawnQemu(this.ctx.binary, args, this.paths.log);
      let exitInfo: ExitStatus | undefined;
      child.once('error', (e) => {
        exitInfo = { code: null, signal: null, error: e };
        this.gone(gen, exitInfo);
      });
      child.once('exit', (code, signal) => {
        exitInfo = { code, signal };
        this.gone(gen, exitInfo);
      });
      const t0 = Date.now();
      this.child = child;
      this.pid = child.pid ?? 0;
      this.pidStartTime = (this.pid && startTimeOf(this.pid)) || '';
      // Guarded from its first moment: QEMU runs for seconds before QMP answers.
      if (this.pidStartTime) this.ctx.fence?.guard(this.id, this.pid, this.pidStartTime);
      try {
        const qmp = await QmpClient.connect(this.paths.qmp, { timeoutMs: 15_000, alive: () => !exitInfo });
        if (exitInfo || this.gen !== gen) {
          qmp.close();
          throw new Error('qemu exited during start');
        }
        this.attachQmp(qmp, gen);
        const ga = await GuestChannel.connect(this.paths.ga, { timeoutMs: 5_000, alive: () => !exitInfo });
        this.attachGa(ga, gen);
        if (!this.pidStartTime) {
          this.pidStartTime = startTimeOf(this.pid) ?? '';
          this.ctx.fence?.guard(this.id, this.pid, this.pidStartTime);
        }
        this.phase = 'running';
        log.info(
          { vm_id: this.id, pid: this.pid, accel: this.accel, host_port: this.hostPort, ms: Date.now() - t0 },
          'qemu started',
        );
        return;
      } catch (e) {
        // Wait briefly for the exit so the log has QEMU's own error.
        if (!exitInfo && this.pid > 0) {
          this.stopping = true;
          try {
            process.kill(this.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        await this.waitGone(3_000);
        const tail = logTail(this.paths.log, 3, logStart);
        this.phase = 'stopped';
        if (attempt < 3 && /hostfwd|host forwarding|Address already in use/i.test(tail)) {
          log.warn({ vm_id: this.id, host_port: this.hostPort }, 'host port taken, retrying with another');
          continue;
        }
        const why = exitInfo?.error ? exitInfo.error.message : tail || (e as Error).message;
        throw new DriverError(`VM ${this.id}: qemu did not start: ${why}`, 'FAILED');
      }
    }
  }

  /** A management instance: its port forward removed (the marker file holds the port to restore). */
  get hidden(): boolean {
    return existsSync(this.paths.hidden);
  }

  /** Level-triggered: removes or restores the appliance's port forward (HMP hostfwd_remove/add while running). */
  async setHidden(hidden: boolean): Promise<void> {
    if (hidden === this.hidden) return;
    if (hidden) {
      const port = this.hostPort;
      if (this.pid > 0 && port > 0) {
        const out = await this.hmp(`hostfwd_remove n0 tcp:127.0.0.1:${port}`);
        if (!/removed/.test(out)) throw new DriverError(`VM ${this.id}: hostfwd_remove: ${out.trim()}`, 'FAILED');
      }
      writeFileSync(this.paths.hidden, `${port}\n`);
      this.hostPort = 0;
      this.ctx.log.info({ vm_id: this.id, host_port: port }, 'VM hidden: port forward removed');
      return;
    }
    const prev = Number(readFileSync(this.paths.hidden, 'utf8').trim()) || 0;
    if (this.pid > 0) {
      const port = await freePort(prev);
      const out = await this.hmp(`hostfwd_add n0 tcp:127.0.0.1:${port}-:${this.spec.appliancePort}`);
      if (out.trim()) throw new DriverError(`VM ${this.id}: hostfwd_add: ${out.trim()}`, 'FAILED');
      this.hostPort = port;
    } else this.hostPort = prev;
    rmSync(this.paths.hidden, { force: true });
    this.ctx.log.info({ vm_id: this.id, host_port: this.hostPort }, 'VM unhidden: port forward restored');
  }

  private async hmp(commandLine: string): Promise<string> {
    return (await this.qmpOf()).execute<string>('human-monitor-command', { 'command-line': commandLine });
  }

  /** Whether `handle`'s QEMU still runs and is this VM's (its pid not reused). */
  static adoptable(handle: VmHandle): boolean {
    const pid = handle.pid;
    if (!(pid > 0) || !handle.pidStartTime || !isAlive(pid, handle.pidStartTime)) return false;
    return isOurQemu(pid, handle.id);
  }

  /** Adopts the running QEMU of `handle` (after an agent restart; adoptable() said yes): true if it still runs. */
  async adopt(handle: VmHandle): Promise<boolean> {
    const { pid, pidStartTime } = handle;
    this.spec = handle.spec;
    this.pid = pid;
    this.pidStartTime = pidStartTime;
    this.hostPort = handle.hostPort;
    this.child = undefined;
    this.stopping = false;
    this.shutdown = undefined;
    this.guestReady = false;
    this.reason = '';
    this.phase = 'running';
    const gen = ++this.gen;
    this.ctx.fence?.guard(this.id, pid, pidStartTime);
    this.poll = setInterval(() => this.checkAlive(gen), this.ctx.pollIntervalMs);
    this.poll.unref();
    try {
      const qmp = await QmpClient.connect(this.paths.qmp, {
        timeoutMs: 3_000,
        alive: () => isAlive(pid, pidStartTime),
      });
      this.attachQmp(qmp, gen);
      const st = await qmp.execute<{ status: string; running: boolean }>('query-status');
      this.phase = st.running ? 'running' : st.status === 'paused' ? 'suspended' : 'running';
    } catch (e) {
      this.reason = `recovered without QMP: ${(e as Error).message}`;
      this.ctx.log.warn({ vm_id: this.id, err: e }, 'recover: QMP not reachable');
    }
    try {
      // The guest agent re-announces `ready` when it notices a new host connection,
      // but a reconnect right after the old driver let go can go unnoticed: a ping decides.
      const ga = await GuestChannel.connect(this.paths.ga, {
        timeoutMs: 3_000,
        alive: () => isAlive(pid, pidStartTime),
      });
      this.attachGa(ga, gen);
      this.pingGuest(ga, gen);
    } catch (e) {
      this.ctx.log.warn({ vm_id: this.id, err: e }, 'recover: guest channel not reachable');
    }
    this.checkAlive(gen);
    if (this.gen !== gen || this.pid === 0) return false;
    this.ctx.log.info({ vm_id: this.id, pid, phase: this.phase }, 'qemu VM recovered');
    return true;
  }

  /** Recovered while paused, the guest could not answer then: ask again. */
  pingAgain(): void {
    if (!this.guestReady && this.ga && !this.ga.closed) this.pingGuest(this.ga, this.gen);
  }

  /** Stops the running process: guest poweroff (or ACPI powerdown), then quit, then SIGKILL. */
  async stop(timeoutMs: number): Promise<void> {
    const log = this.ctx.log;
    this.stopping = true;
    const deadline = Date.now() + Math.max(0, timeoutMs);
    try {
      // Each step below is best effort: whatever fails, the escalation ends in SIGKILL.
      const qmp = await this.qmpOf().catch(() => undefined);
      if (this.phase === 'suspended') await qmp?.execute('cont', undefined, 1_000).catch(() => undefined);
      let asked = false;
      if (this.guestReady && this.ga && !this.ga.closed) {
        // The agent answers `ok` and then powers off (-f): QEMU exits on the guest's poweroff.
        asked = await this.ga.request('poweroff', Math.min(2_000, Math.max(100, timeoutMs))).then(
          () => true,
          () => false,
        );
      }
      if (!asked) await qmp?.execute('system_powerdown', undefined, 1_000).catch(() => undefined);
      if (await this.waitGone(Math.max(0, deadline - Date.now()))) return;
      log.warn({ vm_id: this.id, timeout_ms: timeoutMs }, 'guest did not power off in time: quitting qemu');
      await (await this.qmpOf().catch(() => undefined))?.execute('quit', undefined, 1_000).catch(() => undefined);
      if (await this.waitGone(2_000)) return;
      log.warn({ vm_id: this.id }, 'qemu did not quit: SIGKILL');
      if (this.pid > 0 && isAlive(this.pid, this.pidStartTime)) process.kill(this.pid, 'SIGKILL');
      if (!(await this.waitGone(5_000)))
        throw new DriverError(`VM ${this.id}: qemu (pid ${this.pid}) survived SIGKILL`, 'FAILED');
    } finally {
      if (this.pid <= 0) {
        this.phase = this.phase === 'failed' ? 'failed' : 'stopped';
      }
    }
  }
}
