// One VM as a libvirt domain: libvirtd owns the QEMU (started, stopped, paused
// through virsh); we keep what the qemu driver keeps of a QEMU it did not spawn
// (QemuProcess: the guest channel, readiness and config, liveness by pid + start
// time, exits) and add the domain's lifecycle.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DriverError, zeroStats, type VmHandle, type VmSpec, type VmStats } from '../driver.js';
import { GuestChannel } from '../qemu/guest-channel.js';
import type { GuestImage } from '../qemu/image.js';
import { freePort, type Accel, type VmPaths } from '../qemu/launch.js';
import { QemuProcess, type InstanceContext } from '../qemu/qemu-process.js';
import { addGuestNet } from '../qemu/usage.js';
import { cmdlineOf, hostCpuKhz, isAlive, listPids, startTimeOf, uptimeSeconds } from '../proc.js';
import type { Virsh } from './virsh.js';
import { domainName, domainUuid, domainXml } from './xml.js';

export interface LibvirtContext extends InstanceContext {
  virsh: Virsh;
}

export class LibvirtInstance extends QemuProcess {
  declare protected readonly ctx: LibvirtContext;
  /** A liveness check is asking libvirt why the QEMU ended. */
  private asking = false;

  constructor(ctx: LibvirtContext, spec: VmSpec, paths: VmPaths, accel: Accel) {
    super(ctx, spec, paths, accel);
  }

  get domain(): string {
    return domainName(this.id);
  }

  handle(): VmHandle {
    const p = this.paths;
    return {
      id: this.id,
      scheme: 'libvirt',
      spec: this.spec,
      pid: this.pid,
      pidStartTime: this.pidStartTime,
      hostPort: this.hostPort,
      extra: {
        dir: p.dir,
        overlay: p.overlay,
        ga: p.ga,
        accel: this.accel,
        domain: this.domain,
        uuid: domainUuid(this.id),
      },
    };
  }

  /** Defines the domain (with a free host port) and starts it; resolves once the guest channel is connected. */
  async launch(image: GuestImage, preferredPort: number, hidden: boolean): Promise<void> {
    const virsh = this.ctx.virsh;
    for (let attempt = 1; ; attempt++) {
      this.hostPort = hidden ? 0 : await freePort(attempt === 1 ? preferredPort : 0);
      const xml = domainXml({
        name: this.domain,
        uuid: domainUuid(this.id),
        accel: this.accel,
        memoryMiB: this.spec.memoryMiB,
        vcpus: this.spec.vcpus,
        kernel: image.kernel,
        initrd: image.initrd,
        bootArgs: image.manifest.bootArgs,
        tscKhz: this.accel === 'tcg' ? hostCpuKhz() : undefined,
        disk: this.paths.overlay,
        serial: this.paths.serial,
        guestChannel: this.paths.ga,
        guestAgentPort: image.manifest.guestAgentPort,
        hostPort: this.hostPort,
        appliancePort: this.spec.appliancePort,
        uid: process.getuid?.() ?? 0,
        gid: process.getgid?.() ?? 0,
      });
      const file = join(this.paths.dir, 'domain.xml');
      writeFileSync(file, xml);
      const gen = ++this.gen;
      this.stopping = false;
      this.shutdown = undefined;
      this.guestReady = false;
      this.bootId = undefined;
      this.reason = '';
      this.phase = 'creating';
      const t0 = Date.now();
      try {
        await virsh.run(['define', file]);
        await virsh.run(['start', this.domain], 30_000);
      } catch (e) {
        this.phase = 'stopped';
        const msg = (e as Error).message;
        if (attempt < 3 && /hostfwd|host forwarding|Address already in use/i.test(msg)) {
          this.ctx.log.warn({ vm_id: this.id, host_port: this.hostPort }, 'host port taken, retrying with another');
          continue;
        }
        throw new DriverError(`VM ${this.id}: domain did not start: ${msg}`, 'FAILED');
      }
      await this.attach(gen, 5_000);
      if (this.pid <= 0) throw new DriverError(`VM ${this.id}: domain started but its qemu is gone`, 'FAILED');
      this.phase = 'running';
      this.ctx.log.info(
        { vm_id: this.id, pid: this.pid, accel: this.accel, host_port: this.hostPort, ms: Date.now() - t0 },
        'libvirt domain started',
      );
      return;
    }
  }

  /** Re-attaches to the running domain of `handle` (agent restart): true if its QEMU is the one the handle names. */
  async adopt(handle: VmHandle): Promise<boolean> {
    const st = await this.ctx.virsh.domstate(this.domain);
    if (!st || (st.state !== 'running' && st.state !== 'paused')) return false;
    const pid = qemuPidOf(this.id, this.paths.overlay);
    if (!pid || pid !== handle.pid || startTimeOf(pid) !== handle.pidStartTime) {
      this.ctx.log.warn({ vm_id: this.id, pid, handle_pid: handle.pid }, 'recover: the domain runs another qemu');
      return false;
    }
    this.spec = handle.spec;
    this.hostPort = handle.hostPort;
    this.stopping = false;
    this.shutdown = undefined;
    this.guestReady = false;
    this.reason = '';
    this.phase = st.state === 'paused' ? 'suspended' : 'running';
    const gen = ++this.gen;
    await this.attach(gen, 3_000);
    if (this.gen !== gen || this.pid <= 0) return false;
    this.ctx.log.info({ vm_id: this.id, pid, phase: this.phase }, 'libvirt domain recovered');
    return true;
  }

  /** The domain's QEMU (pid, fence, liveness poll) and the guest channel. */
  private async attach(gen: number, timeoutMs: number): Promise<void> {
    const pid = qemuPidOf(this.id, this.paths.overlay);
    this.pid = pid ?? 0;
    this.pidStartTime = (pid && startTimeOf(pid)) || '';
    if (!this.pid || !this.pidStartTime) return;
    this.ctx.fence?.guard(this.id, this.pid, this.pidStartTime);
    if (this.poll) clearInterval(this.poll);
    this.poll = setInterval(() => this.checkAlive(gen), this.ctx.pollIntervalMs);
    this.poll.unref();
    try {
      const alive = () => isAlive(this.pid, this.pidStartTime);
      const ga = await GuestChannel.connect(this.paths.ga, { timeoutMs, alive });
      this.attachGa(ga, gen);
      // A reconnect may miss the agent's `ready` (see the qemu driver's recover): a ping decides.
      this.pingGuest(ga, gen);
    } catch (e) {
      this.ctx.log.warn({ vm_id: this.id, err: e }, 'guest channel not reachable');
    }
  }

  /** A QEMU gone without being asked: libvirt says whether the guest powered off before the exit is reported. */
  protected override checkAlive(gen: number): void {
    if (this.gen !== gen || this.pid <= 0 || this.asking || isAlive(this.pid, this.pidStartTime)) return;
    if (this.stopping) return this.gone(gen, undefined);
    this.asking = true;
    void this.ctx.virsh
      .domstate(this.domain)
      .then(
        (st) => {
          if (st?.state === 'shut off' && st.reason === 'shutdown') this.shutdown = { guest: true, reason: st.reason };
        },
        () => undefined,
      )
      .finally(() => {
        this.asking = false;
        this.gone(gen, undefined);
      });
  }

  async suspend(): Promise<void> {
    if (this.phase === 'suspended') return;
    await this.ctx.virsh.run(['suspend', this.domain]);
    this.phase = 'suspended';
  }

  async resume(): Promise<void> {
    if (this.phase === 'running') return;
    await this.ctx.virsh.run(['resume', this.domain]);
    this.phase = 'running';
    if (!this.guestReady && this.ga && !this.ga.closed) this.pingGuest(this.ga, this.gen);
  }

  /** A hard reset, as the qemu driver's system_reset: the guest boots again in the same QEMU. */
  async reset(): Promise<void> {
    this.guestReady = false;
    await this.ctx.virsh.run(['reset', this.domain]);
  }

  /** Guest poweroff (or ACPI shutdown) up to timeoutMs, then `virsh destroy`. */
  async stop(timeoutMs: number): Promise<void> {
    const virsh = this.ctx.virsh;
    this.stopping = true;
    const deadline = Date.now() + Math.max(0, timeoutMs);
    try {
      if (this.phase === 'suspended') await virsh.run(['resume', this.domain], 2_000).catch(() => undefined);
      let asked = false;
      if (timeoutMs > 0 && this.guestReady && this.ga && !this.ga.closed)
        asked = await this.ga.request('poweroff', Math.min(2_000, Math.max(100, timeoutMs))).then(
          () => true,
          () => false,
        );
      if (!asked && timeoutMs > 0) await virsh.run(['shutdown', this.domain], 2_000).catch(() => undefined);
      if (!(await this.waitGone(Math.max(0, deadline - Date.now())))) {
        if (timeoutMs > 0)
          this.ctx.log.warn({ vm_id: this.id, timeout_ms: timeoutMs }, 'guest did not power off in time');
        await virsh.run(['destroy', this.domain], 10_000).catch((e: Error) => {
          if (!/not running/i.test(e.message)) throw e;
        });
        if (!(await this.waitGone(5_000)))
          throw new DriverError(`VM ${this.id}: qemu (pid ${this.pid}) survived virsh destroy`, 'FAILED');
      }
      await this.shutOff(5_000);
    } finally {
      if (this.pid <= 0) this.phase = this.phase === 'failed' ? 'failed' : 'stopped';
    }
  }

  /**
   * libvirt notices its QEMU's exit a moment after the process is gone ("in
   * shutdown" meanwhile): a stop is over once libvirt says shut off too, so the
   * VM reported stopped is one a start right after finds inactive. Bounded: past
   * `timeoutMs` the stop ends anyway (QEMU is gone) and says so.
   */
  private async shutOff(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const st = await this.ctx.virsh.domstate(this.domain).catch(() => undefined);
      if (!st || st.state === 'shut off') return;
      if (Date.now() >= deadline) {
        this.ctx.log.warn({ vm_id: this.id, state: st.state }, 'libvirt did not record the domain shut off in time');
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * libvirt 9 finds no block statistics for a microvm's virtio-mmio disk ("cannot find statistics for
   * device …/virtio-backend"): QEMU's own query-blockstats through libvirt's monitor, as the qemu driver's.
   */
  private async blockStatsFromQemu(s: VmStats): Promise<void> {
    const out = await this.ctx.virsh.run(
      ['qemu-monitor-command', this.domain, '{"execute":"query-blockstats"}'],
      5_000,
    );
    const blocks = (JSON.parse(out) as { return?: BlockStats }).return ?? [];
    const d = blocks.find((b) => b.qdev?.includes('virtio-disk0')) ?? blocks[0];
    if (!d?.stats) return;
    [s.diskReadBytes, s.diskWriteBytes] = [d.stats.rd_bytes ?? 0, d.stats.wr_bytes ?? 0];
    s.sources!.disk = 'qmp (virsh qemu-monitor-command)';
  }

  /** cpu and memory from libvirt (domstats), disk from libvirt where it counts, net from the guest. */
  async stats(): Promise<VmStats> {
    const s = zeroStats();
    if (this.pid <= 0) return s;
    s.uptimeSeconds = uptimeSeconds(this.pid);
    s.sources = { cpu: 'none', memory: 'none', disk: 'none', net: 'none' };
    try {
      const d = await this.ctx.virsh.domstats(this.domain);
      const num = (k: string) => (d.has(k) && Number.isFinite(Number(d.get(k))) ? Number(d.get(k)) : undefined);
      const cpu = num('cpu.time');
      if (cpu !== undefined) [s.cpuSeconds, s.sources.cpu] = [cpu / 1e9, 'libvirt:cpu.time'];
      const rss = num('balloon.rss');
      if (rss !== undefined) [s.memoryBytes, s.sources.memory] = [rss * 1024, 'libvirt:balloon.rss'];
      const rd = num('block.0.rd.bytes');
      const wr = num('block.0.wr.bytes');
      if (rd !== undefined || wr !== undefined)
        [s.diskReadBytes, s.diskWriteBytes, s.sources.disk] = [rd ?? 0, wr ?? 0, 'libvirt:block'];
      else await this.blockStatsFromQemu(s);
    } catch (e) {
      this.ctx.log.debug({ vm_id: this.id, err: e }, 'domstats failed');
    }
    // The slirp netdev is ours, not libvirt's (no net.* counters): the guest's own, as the qemu driver's.
    await addGuestNet(s, this);
    return s;
  }
}

type BlockStats = Array<{ qdev?: string; stats?: { rd_bytes?: number; wr_bytes?: number } }>;

/**
 * The QEMU libvirt runs for VM `id` on our overlay: its `-name guest=nephele-<id>,…` and the overlay
 * in its -blockdev (another libvirtd's domain of the same name is not ours). A bounded scan of /proc.
 */
export function qemuPidOf(id: string, overlay: string): number | undefined {
  const want = `guest=${domainName(id)},`;
  const disk = `"filename":${JSON.stringify(overlay)}`;
  for (const pid of listPids()) {
    const argv = cmdlineOf(pid);
    const i = argv.indexOf('-name');
    if (i < 0 || !argv[i + 1]?.startsWith(want) || !/qemu-system/.test(argv[0] ?? '')) continue;
    if (argv.some((a) => a.includes(disk))) return pid;
  }
  return undefined;
}
