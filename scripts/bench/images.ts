import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { AdminClient } from '../../controller/cli/client.js';
import { uploadImage } from '../../controller/cli/commands/image.js';
import type { DesiredVm__Output as DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import type { PopulateSetResponse__Output } from '../../common/gen/nephele/v1/PopulateSetResponse.js';
import type { ListVmsResponse__Output } from '../../common/gen/nephele/v1/ListVmsResponse.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { AgentServiceClient } from '../../common/gen/nephele/v1/AgentService.js';
import type { UpdateCycle__Output } from '../../common/gen/nephele/v1/UpdateCycle.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import { imageRefFromProto } from '../../common/grpc/convert.js';
import { v1 } from '../../common/grpc/load.js';
import { GiB } from '../../common/limits.js';
import { silentLogger } from '../../common/logger.js';
import { ImageCache } from '../../agent/images/cache.js';
import { Transfers } from '../../agent/session/transfers.js';
import { BaseStore } from '../../agent/drivers/qemu/bases.js';
import { createVmDisk } from '../../agent/drivers/qemu/disk.js';
import { vmPaths } from '../../agent/drivers/qemu/launch.js';
import { SimAgent, enrolAll } from '../../test/helpers/sim-agent.js';
import { removeDir, tempDir } from './children.js';
import { ROOT, createJoinToken, startController, waitHostReady } from './controller.js';
import { bareBoot, ensureGuestImage, qemuCmdline, until, withAgent } from './vms.js';
import { fig, median, type Figures } from './results.js';

// Linked clones defined on one host. 100 QEMU guests do not fit the bench
// machine, so what is timed is exactly the part before the boot: from the
// PopulateSet call (records written, placed by the planner, DesiredState
// delivered over a real mTLS Session) until the host has created every
// clone's qcow2 overlay on the cached base. The host is a simulated agent
// (test/helpers/sim-agent.ts) that does, per desired VM, what the real agent
// does before it launches QEMU, with the agent's own code: the base from the
// agent's ImageCache (fetched once over AgentService.FetchImage by a warm-up
// clone, then cached), then the qemu driver's own disk step (disk.ts
// createVmDisk: the stored base, the overlay — the first by `qemu-img create
// -b`, the next ones byte copies of it — and the base marker); it reports
// CREATING, then STOPPED once the disk exists (defined, not booted). Not
// included: the driver's spec validation and the QEMU launch. A second figure
// waits until the controller has stored every VM as confirmed. Beside it, in
// the same run: 100 `qemu-img create -b` on the same base, one after the
// other from one bash loop, as a plain script would.

const log = (msg: string) => process.stdout.write(`[image-clone] ${msg}\n`);
const QEMU_IMG = 'qemu-img';
const GUEST_DISK = join(ROOT, '.cache/guest/nephele-guest/data.qcow2');

/** A host that defines linked clones (overlays) for what its DesiredState asks and boots none of them. */
class CloneHost {
  readonly sim: SimAgent;
  readonly bases: BaseStore;
  readonly defined = new Map<string, number>();
  private readonly seen = new Set<string>();
  private readonly client: AgentServiceClient;
  private readonly cache: ImageCache;
  errors: string[] = [];

  constructor(
    id: { hostId: string; keyPem: string; certPem: string },
    ca: Buffer,
    address: string,
    readonly dir: string,
  ) {
    const creds = grpc.credentials.createSsl(ca, Buffer.from(id.keyPem), Buffer.from(id.certPem));
    this.client = new (v1().AgentService)(address, creds);
    const transfers = new Transfers(
      () => this.client,
      () => new grpc.Metadata(),
    );
    this.cache = new ImageCache({
      dir: join(dir, 'images'),
      maxBytes: 4 * GiB,
      fetch: (sha, dest, max) => transfers.fetchImage(sha, dest, max),
      inUse: () => new Set(),
      log: silentLogger,
    });
    this.cache.init();
    this.bases = new BaseStore(join(dir, 'vms'));
    const guest = { vcpus: 256, memoryBytes: 256 * GiB, diskBytes: 4096 * GiB };
    this.sim = new SimAgent(
      id,
      ca,
      {
        hello: { schemes: ['qemu'], hostname: 'bench-clone-host' },
        heartbeat: { load: { load1: 0.2, cpuPct: 3, memoryAvailableBytes: 200 * GiB }, free: guest },
        beats: 'self',
      },
      {
        welcome: (w) => {
          if (!w.sendInventory) return;
          const total = { vcpus: guest.vcpus + 2, memoryBytes: guest.memoryBytes + 4 * GiB, diskBytes: guest.diskBytes + 50 * GiB };
          const reserved = { vcpus: 2, memoryBytes: 4 * GiB, diskBytes: 50 * GiB };
          this.sim.send({ inventory: { inventory: { schemes: ['qemu'], total, reserved, guest, hash: 'bench-clone', collectedUnixMs: Date.now() } } });
        },
        desired: (vms) => this.converge(vms),
        lost: (why) => this.errors.push(why),
      },
    );
  }

  /** performance.now() and the VMs to define, for each DesiredState that brought new VMs. */
  readonly arrivals: { at: number; fresh: number }[] = [];

  private converge(vms: DesiredVm[]): void {
    const before = this.seen.size;
    for (const d of vms) {
      if (d.desired !== 'DESIRED_VM_STATE_RUNNING' || this.seen.has(d.vmId)) continue;
      this.seen.add(d.vmId);
      this.define(d).catch((e: Error) => {
        this.errors.push(`${d.vmId}: ${e.message}`);
        this.sim.report(d, 'VM_STATE_FAILED', `create failed: ${e.message}`);
      });
    }
    if (this.seen.size > before) this.arrivals.push({ at: performance.now(), fresh: this.seen.size - before });
  }

  /** What the agent's runner and the qemu driver do before QEMU starts. */
  private async define(d: DesiredVm): Promise<void> {
    this.sim.report(d, 'VM_STATE_CREATING', 'creating');
    const ref = imageRefFromProto(d.spec?.baseImage);
    if (!ref) throw new Error('not a linked clone (no base_image)');
    const path = await this.cache.ensure(ref);
    const vm = vmPaths(join(this.bases.dir, '..', d.vmId));
    mkdirSync(vm.dir, { recursive: true });
    const base = { imageId: ref.imageId, sha256: ref.sha256, format: ref.format, bootImage: ref.bootImage, path };
    await createVmDisk(this.bases, QEMU_IMG, { diskGiB: d.spec!.diskGib, base }, '', vm);
    this.defined.set(d.vmId, performance.now());
    this.sim.report(d, 'VM_STATE_STOPPED', 'defined (benchmark host: not booted)');
  }

  overlay(vmId: string): string {
    return vmPaths(join(this.bases.dir, '..', vmId)).overlay;
  }

  close(): void {
    this.sim.close();
    this.client.close();
  }
}

async function populate(a: AdminClient, imageId: string, count: number): Promise<string> {
  const r = await a.call<PopulateSetResponse__Output>((md, o, cb) =>
    a.tokens.PopulateSet({ imageId, count, request: { name: `bench-clones-${count}` } }, md, o, cb as never),
  );
  return r.set!.id;
}

async function setVms(a: AdminClient, setId: string) {
  return (await a.call<ListVmsResponse__Output>((md, o, cb) => a.vms.ListVms({ pageSize: 1000, setId }, md, o, cb as never))).vms;
}

/** Every overlay is a qcow2 backed by the one stored base (checked after the clock stopped). */
function checkOverlays(host: CloneHost, ids: string[]): string {
  const bases = new Set<string>();
  for (const id of ids) {
    const r = spawnSync(QEMU_IMG, ['info', '-U', '--output=json', host.overlay(id)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`qemu-img info of ${id}'s overlay: ${r.stderr}`);
    const info = JSON.parse(r.stdout) as { format: string; 'backing-filename'?: string };
    if (info.format !== 'qcow2' || !info['backing-filename']) throw new Error(`${id}'s overlay is not a linked clone`);
    bases.add(info['backing-filename']);
  }
  if (bases.size !== 1) throw new Error(`the clones have ${bases.size} different bases`);
  return [...bases][0]!;
}

/** 100 `qemu-img create -b` one after the other from one bash loop (a plain script), in seconds. */
function bareOverlays(base: string, dir: string, n: number): number {
  mkdirSync(dir, { recursive: true });
  const script = 'for i in $(seq 1 "$3"); do qemu-img create -q -f qcow2 -b "$1" -F qcow2 "$2/$i.qcow2" || exit 1; done';
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', script, 'bare', base, dir, String(n)], { encoding: 'utf8' });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`qemu-img create: ${r.stderr}`);
  return s;
}

export async function runImageClone(): Promise<Figures> {
  const n = Number(process.env.BENCH_CLONES ?? 100);
  if (!Number.isInteger(n) || n <= 0 || n > 1000) throw new Error('BENCH_CLONES must be a whole number from 1 to 1000');
  statSync(GUEST_DISK); // the guest image (scripts/make-guest-image.sh) supplies the base
  const dir = tempDir('image-clone');
  const ctl = await startController(join(dir, 'controller'));
  const admin = ctl.admin();
  let host: CloneHost | undefined;
  try {
    const ca = readFileSync(join(ctl.dataDir, 'ca.pem'));
    const [id] = await enrolAll(ctl.address, ca, [await createJoinToken(admin)], { hostname: () => 'bench-clone-host' });
    host = new CloneHost(id!, ca, ctl.address, join(dir, 'agent'));
    if ((await host.sim.connect(ctl.address, 30_000)) !== 'open') throw new Error(`the host's session did not open: ${host.errors.join('; ')}`);
    const h = await waitHostReady(admin, 'bench-clone-host');
    await until(async () => {
      const got = (await admin.call<{ host: Host }>((md, o, cb) => admin.hosts.GetHost({ hostId: h.id }, md, o, cb as never))).host;
      return got.inventory ? true : undefined;
    }, 30_000, 'host inventory', 100);
    const up = await uploadImage(admin, GUEST_DISK, {
      name: 'bench-clone-base',
      format: 'IMAGE_FORMAT_QCOW2',
      scheme: 'qemu',
      sizeBytes: statSync(GUEST_DISK).size,
      spec: { scheme: 'qemu', vcpus: 1, memoryMib: 128, diskGib: 1 },
    });
    const imageId = up.image!.id;
    // Warm-up: one clone fetches the base into the host's cache (and warms both processes).
    await populate(admin, imageId, 1);
    await until(() => (host!.defined.size === 1 ? true : undefined), 60_000, 'the warm-up clone defined');
    const warm = host.defined.size;

    const t0 = performance.now();
    const setId = await populate(admin, imageId, n);
    const answeredMs = performance.now() - t0;
    await until(() => (host!.defined.size >= warm + n ? true : undefined), 120_000, `${n} clones defined`, 2);
    const states = host.arrivals.filter((x) => x.at >= t0).map((x) => `+${(x.at - t0).toFixed(0)} ms: ${x.fresh}`);
    log(`PopulateSet answered after ${answeredMs.toFixed(0)} ms; desired states with new VMs: ${states.join(', ')}`);
    const definedS = (Math.max(...host.defined.values()) - t0) / 1000;
    const vms = await until(async () => {
      const v = await setVms(admin, setId);
      return v.length === n && v.every((x) => Number(x.confirmedUnixMs) > 0) ? v : undefined;
    }, 60_000, `${n} clones confirmed`, 10);
    const confirmedS = (performance.now() - t0) / 1000;
    if (host.errors.length) throw new Error(`host errors: ${host.errors.slice(0, 3).join('; ')}`);
    const base = checkOverlays(host, vms.map((v) => v.id));

    const bareS = bareOverlays(base, join(dir, 'bare'), n);
    log(`${n} clones: defined ${definedS.toFixed(2)} s, confirmed ${confirmedS.toFixed(2)} s; ${n} bare qemu-img create ${bareS.toFixed(2)} s`);
    return {
      'image.clone_100_defined_s': fig(definedS, 's'),
      'image.clone_100_confirmed_s': fig(confirmedS, 's'),
      'image.bare_overlay_100_s': fig(bareS, 's'),
      'image.clone_defined_ratio': fig(definedS / bareS, 'x'),
      'image.clones': fig(n, 'VMs', 0),
    };
  } finally {
    host?.close();
    admin.close();
    await ctl.stop();
    removeDir(dir);
  }
}

// The update cycle end to end on a 3-VM qemu set (real controller, a real agent
// with the qemu driver, real guests): from the UpdateVmSet call until its cycle
// record says SUCCEEDED, every step on the way (select a member, begin
// management with a token, configure a new title, capture a child image, end
// management, populate the revised set: canary 1, then batches of 2, each
// behind the health gate: the appliance answers with the new title, then retire
// the prior set). Beside it, in the same run: bare QEMU boots of the same
// command line (vms.ts bareBoot), median of 3.

const CYCLE_VMS = 3;
const cycleLog = (msg: string) => process.stdout.write(`[image-cycle] ${msg}\n`);

type Cycle = UpdateCycle__Output;

async function cycleOf(a: AdminClient, cycleId: string): Promise<Cycle> {
  return (await a.call<{ cycle: Cycle }>((md, o, cb) => a.tokens.GetUpdateCycle({ cycleId }, md, o, cb as never))).cycle;
}

const stepsLine = (c: Cycle) =>
  c.steps.map((s) => `${s.name} ${((Number(s.endedUnixMs) - Number(s.startedUnixMs)) / 1000).toFixed(1)}s`).join(', ');

export async function runImageUpdateCycle(): Promise<Figures> {
  ensureGuestImage();
  return withAgent(
    'qemu',
    async (a, _hostId, adir) => {
      const set = (
        await a.call<{ set: VmSet }>((md, o, cb) =>
          a.vms.CreateVmSet(
            { set: { name: 'bench-cycle', count: CYCLE_VMS, spec: { scheme: 'qemu', vcpus: 1, memoryMib: 128, diskGib: 1, config: { title: 'Bench-1' } } } },
            md,
            o,
            cb as never,
          ),
        )
      ).set;
      const running = async (setId: string) => {
        const vms = await setVms(a, setId);
        const up = vms.filter((v) => v.state === 'VM_STATE_RUNNING' && v.guestReady);
        return up.length === CYCLE_VMS ? up : undefined;
      };
      await until(() => running(set.id), 180_000, 'the prior set running', 200);

      const t0 = performance.now();
      const options = { maxParallel: 2, canary: 1, healthTimeoutS: 180, autoRevert: true, healthPath: '/', healthExpect: 'Bench-2' };
      const started = (
        await a.call<{ cycle: Cycle }>((md, o, cb) =>
          a.tokens.UpdateVmSet({ setId: set.id, changes: { config: { title: 'Bench-2' } }, options }, md, o, cb as never),
        )
      ).cycle;
      // Seen from here (polled): when each revised VM first ran with its guest ready, and when each step ended.
      const readyAt = new Map<string, number>();
      const stepEnds: string[] = [];
      const done = await until(async () => {
        const c = await cycleOf(a, started.id);
        const now = (performance.now() - t0) / 1000;
        for (const st of c.steps.slice(stepEnds.length)) if (st.status !== 'running') stepEnds.push(`${st.name} ${now.toFixed(1)}`);
        if (c.newSetId)
          for (const v of await setVms(a, c.newSetId)) if (v.state === 'VM_STATE_RUNNING' && v.guestReady && !readyAt.has(v.id)) readyAt.set(v.id, now);
        return c.state === 'CYCLE_STATE_RUNNING' ? undefined : c;
      }, 600_000, 'the update cycle', 50);
      const cycleS = (performance.now() - t0) / 1000;
      cycleLog(`seen at +s: revised VMs ready ${[...readyAt.values()].map((x) => x.toFixed(1)).join(', ')}; steps ended ${stepEnds.join(', ')}`);
      if (done.state !== 'CYCLE_STATE_SUCCEEDED') throw new Error(`the cycle ended ${done.state}: ${done.reason} (${stepsLine(done)})`);
      const fresh = await until(() => running(done.newSetId), 60_000, 'the revised set running', 200);
      // Retire asks for the prior VMs' destruction; the host confirms it after the cycle's end.
      const gone = async () => ((await setVms(a, set.id)).every((v) => v.state === 'VM_STATE_DESTROYED') ? true : undefined);
      await until(gone, 60_000, 'the prior set destroyed', 50);
      const retiredS = (performance.now() - t0) / 1000;
      cycleLog(`${CYCLE_VMS} qemu VMs: ${cycleS.toFixed(1)} s, prior VMs destroyed at ${retiredS.toFixed(1)} s (${stepsLine(done)})`);

      // The bare boots reuse a revised VM's command line, once the sets are gone (as in runQemu).
      const vm = fresh[0]!;
      const cmdline = qemuCmdline(vm.id);
      await a.call((md, o, cb) => a.vms.DeleteVmSet({ setId: done.newSetId }, md, o, cb as never));
      await until(async () => ((await setVms(a, done.newSetId)).every((v) => v.state === 'VM_STATE_DESTROYED') ? true : undefined), 60_000, 'revised set destroyed', 200);
      const bare: number[] = [];
      for (let i = 0; i < 3; i++) {
        const dir = join(adir, 'vms', vm.id);
        bare.push(await bareBoot(cmdline, dir).catch(() => bareBoot(cmdline, dir)));
      }
      cycleLog(`bare boots: ${bare.map((x) => x.toFixed(0)).join(', ')} ms`);
      return {
        'image.update_cycle_s': fig(cycleS, 's', 1),
        'image.update_cycle_retired_s': fig(retiredS, 's', 1),
        'image.update_cycle_vms': fig(CYCLE_VMS, 'VMs', 0),
        'qemu.bare_boot_ms': fig(median(bare), 'ms', 0),
        'image.update_cycle_bare_boots': fig(cycleS / (median(bare) / 1000), 'x', 1),
      };
    },
    ['--guest-vcpus', '8', '--reserve-memory', '0'],
  );
}
