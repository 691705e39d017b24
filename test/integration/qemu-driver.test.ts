// QemuDriver against real QEMU (TCG here: /dev/kvm on these machines cannot
// boot a stock kernel, which the accelerator probe finds out). One guest serves
// the whole lifecycle, since each costs seconds of boot and ~200 MB:
// create → ready → HTTP via the forward → guest requests → suspend/resume →
// reboot → stop → start → recover by a second driver → kill -9 → destroy.
import t from 'tap';
import { execFile } from 'node:child_process';
import { accessSync, constants as fsc, existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DriverError, type VmHandle, type VmSpec } from '../../agent/drivers/driver.js';
import { QemuDriver } from '../../agent/drivers/qemu/driver.js';
import { qcow2VirtualSize } from '../../agent/drivers/qemu/image.js';
import { ulid } from '../../common/ids.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

/** As the driver decides it: KVM is worth a probe guest only when /dev/kvm is read/writable. */
function kvmUsable(): boolean {
  try {
    accessSync('/dev/kvm', fsc.R_OK | fsc.W_OK);
    return true;
  } catch {
    return false;
  }
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));
}

function loud(msg: string): void {
  t.comment('!'.repeat(72));
  t.comment(`!!! ${msg}`);
  t.comment('!'.repeat(72));
}

/** Pids of processes whose command line mentions `needle`. */
function pidsWith(needle: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      if (argv.includes(needle)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

/** HTTP GET on 127.0.0.1:port; rejects when no answer comes within `ms`. */
async function httpGet(port: number, ms: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(ms) });
  return r.text();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const missing = ['qemu-system-x86_64', 'qemu-img'].filter((c) => !onPath(c));
if (missing.length) {
  if (IN_CI)
    t.fail(
      `${missing.join(' and ')} not installed: CI must run the QEMU driver test (.ci/run installs qemu-system-x86 and qemu-utils)`,
    );
  else {
    loud(
      `SKIPPING the QEMU driver test: ${missing.join(' and ')} not installed (apt-get install qemu-system-x86 qemu-utils)`,
    );
    t.pass('skipped: no QEMU');
  }
} else {
  // The guest image: cached by the script (~2 s when up to date); a first build
  // downloads the kernel package, so the file's timeout is lifted meanwhile.
  t.setTimeout(15 * 60_000);
  const build = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'bash',
      [join(ROOT, 'scripts/make-guest-image.sh')],
      { timeout: 14 * 60_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) =>
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
          stdout,
          stderr: stderr || (err?.message ?? ''),
        }),
    );
  });
  t.setTimeout(180_000);
  const outDir = build.stdout.trim().split('\n').pop() ?? '';
  if (build.code !== 0 || !outDir || !existsSync(join(outDir, 'manifest.json'))) {
    const why = `scripts/make-guest-image.sh failed (status ${build.code}): ${build.stderr.trim().split('\n').slice(-5).join(' | ')}`;
    if (IN_CI) t.fail(why);
    else {
      loud(`SKIPPING the QEMU driver test: ${why}`);
      t.pass('skipped: no guest image');
    }
  } else {
    await lifecycle(dirname(outDir), basename(outDir));
  }
}

async function lifecycle(imageRoot: string, image: string): Promise<void> {
  const stateDir = tmpDir('nephele-qemu-');
  const id = ulid();
  const name = `nephele-${id}`;
  // config is applied by the driver over the guest channel on the first boot (the page title shows it).
  const spec: VmSpec = {
    id,
    name: 'web-1',
    vcpus: 1,
    memoryMiB: 128,
    diskGiB: 1,
    image,
    appliancePort: 8080,
    config: { title: 'Hello from qemu-driver.test' },
  };
  const opts = { stateDir, imageRoot, accel: 'auto' as const };
  const drivers: QemuDriver[] = [];
  const newDriver = () => {
    const d = new QemuDriver(opts);
    drivers.push(d);
    return d;
  };
  t.teardown(async () => {
    for (const d of drivers) await d.close().catch(() => {});
    for (const pid of pidsWith(name)) {
      t.comment(`teardown: killing leftover QEMU ${pid}`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });

  const a = newDriver();
  const exitsA: string[] = [];
  a.onExit((vmId, reason) => exitsA.push(`${vmId}: ${reason}`));
  let handle!: VmHandle;
  const readyMs: number[] = [];
  const dir = join(stateDir, id);

  await t.test('specs the guest cannot run are refused', async (t) => {
    await t.rejects(
      a.create({ ...spec, id: ulid(), memoryMiB: 32 }),
      new DriverError('invalid VM spec: memoryMiB 32 (at least 96 MiB)', 'INVALID_SPEC'),
      'memoryMiB 32 → INVALID_SPEC',
    );
    await t.rejects(
      a.create({ ...spec, id: ulid(), image: '../etc' }),
      { name: 'DriverError', code: 'INVALID_SPEC' },
      'bad image name → INVALID_SPEC',
    );
    await t.rejects(
      a.create({ ...spec, id: ulid(), image: 'no-such-image' }),
      { name: 'DriverError', code: 'INVALID_SPEC', message: /no-such-image/ },
      'missing image → INVALID_SPEC',
    );
    t.same(pidsWith(name), [], 'no QEMU started');
  });

  await t.test('fingerprint probes the accelerator once and caches it', async (t) => {
    const fp = await a.fingerprint();
    t.comment(`fingerprint: ${fp.detail}`);
    t.equal(fp.scheme, 'qemu');
    t.ok(fp.healthy, 'healthy');
    t.match(fp.attributes.accelerator, /^(kvm|tcg)$/);
    t.match(fp.attributes.version, /^\d+\.\d+/);
    if (kvmUsable()) {
      const cache = JSON.parse(readFileSync(join(stateDir, 'accel.json'), 'utf8')) as Record<string, { accel: string }>;
      const entries = Object.entries(cache);
      t.equal(entries.length, 1, 'one accel.json entry');
      t.match(
        entries[0]![0],
        new RegExp(`^${fp.attributes.version!.replace(/\./g, '\\.')}\\|[0-9a-f]{64}$`),
        'keyed by qemu version + kernel sha256',
      );
    } else {
      // Without a usable /dev/kvm there is nothing to probe: TCG, said why, and no probe guest booted.
      t.equal(fp.attributes.accelerator, 'tcg', 'TCG without /dev/kvm');
      t.match(fp.detail, /no-kvm/, 'the fingerprint says why');
      t.notOk(existsSync(join(stateDir, 'accel.json')), 'nothing probed, so nothing cached');
    }
    const t0 = Date.now();
    const again = await newDriver().fingerprint();
    t.equal(again.attributes.accelerator, fp.attributes.accelerator, 'same verdict from the cache');
    t.ok(Date.now() - t0 < 2_000, 'no second probe');
    t.same(a.capabilities(), {
      suspend: true,
      reboot: true,
      guestChannel: true,
      captureDisk: true,
      cloneDisk: true,
      portForward: true,
      management: true,
    });
  });

  await t.test('create: QEMU runs, the guest agent says ready, the appliance answers', async (t) => {
    const t0 = Date.now();
    handle = await a.create(spec);
    t.comment(
      `create resolved after ${Date.now() - t0} ms (pid ${handle.pid}, port ${handle.hostPort}, ${handle.extra.accel})`,
    );
    t.equal(handle.scheme, 'qemu');
    t.ok(handle.pid > 0 && alive(handle.pid), 'QEMU process runs');
    t.match(handle.pidStartTime, /^\d+$/);
    t.ok(handle.hostPort > 0, 'host port');
    t.same(Object.keys(handle.extra).sort(), ['accel', 'dir', 'ga', 'overlay', 'qmp']);
    t.ok(existsSync(handle.extra.overlay!), 'overlay exists');
    t.equal(qcow2VirtualSize(handle.extra.overlay!), 1024 ** 3, 'overlay grown to diskGiB (virtual size)');
    t.same(pidsWith(name), [handle.pid], 'exactly one QEMU for the VM');
    await waitFor(async () => (await a.inspect(id)).guestReady, {
      timeoutMs: 30_000,
      intervalMs: 20,
      message: 'guest ready',
    });
    readyMs.push(Date.now() - t0);
    t.comment(`create → guestReady: ${readyMs[0]} ms`);
    const st = await a.inspect(id);
    t.match(st, { phase: 'running', guestReady: true, hostPort: handle.hostPort, pid: handle.pid });
    const page = await waitFor(() => httpGet(handle.hostPort, 2_000), { timeoutMs: 15_000, message: 'appliance page' });
    t.match(
      page,
      /<title>Hello from qemu-driver.test<\/title>/,
      'the appliance page via 127.0.0.1:hostPort, with spec.config applied',
    );
    t.equal(await a.guestRequest!(id, 'config-get title'), 'Hello from qemu-driver.test');
    await t.rejects(a.create(spec), { name: 'DriverError', message: /already exists/ }, 'create twice is refused');
  });

  await t.test('guest requests', async (t) => {
    t.equal(await a.guestRequest!(id, 'ping'), 'pong');
    t.equal(await a.guestRequest!(id, 'config-set greeting hello qemu world'), '');
    t.equal(await a.guestRequest!(id, 'config-get greeting'), 'hello qemu world');
    await t.rejects(a.guestRequest!(id, 'config-get no-such-key'), /none/);
    await t.rejects(a.guestRequest!(id, 'nonsense'), /unknown command/);
    const stats = await a.stats(id);
    t.ok(stats.cpuSeconds > 0, `cpuSeconds ${stats.cpuSeconds}`);
    t.ok(stats.memoryBytes > 32 * 1024 * 1024, `RSS ${Math.round(stats.memoryBytes / 2 ** 20)} MiB`);
    t.ok(stats.diskReadBytes > 0, `disk read ${stats.diskReadBytes} bytes`);
    t.ok(stats.diskWriteBytes > 0, `disk written ${stats.diskWriteBytes} bytes (config-set syncs)`);
    t.ok(stats.uptimeSeconds > 0, `uptime ${stats.uptimeSeconds.toFixed(1)} s`);
  });

  await t.test('suspend and resume', async (t) => {
    await a.suspend(id);
    t.equal((await a.inspect(id)).phase, 'suspended');
    t.match(await a.qmpCommand(id, 'query-status'), { status: 'paused', running: false }, 'QMP says paused');
    await t.rejects(httpGet(handle.hostPort, 500), 'a paused guest does not answer HTTP within 500 ms');
    await a.suspend(id); // idempotent
    await a.resume(id);
    t.equal((await a.inspect(id)).phase, 'running');
    t.match(await a.qmpCommand(id, 'query-status'), { status: 'running', running: true });
    t.match(
      await waitFor(() => httpGet(handle.hostPort, 2_000), { timeoutMs: 10_000, message: 'HTTP after resume' }),
      /Nephele/,
    );
  });

  await t.test('reboot: a new boot announces itself', async (t) => {
    const before = a.bootIdOf(id);
    t.ok(before, `boot id ${before}`);
    const t0 = Date.now();
    await a.reboot(id);
    t.equal((await a.inspect(id)).guestReady, false, 'not ready right after the reset');
    await waitFor(async () => (await a.inspect(id)).guestReady && a.bootIdOf(id) !== before, {
      timeoutMs: 30_000,
      intervalMs: 20,
      message: 'ready after reboot',
    });
    readyMs.push(Date.now() - t0);
    t.comment(`reboot → guestReady: ${readyMs.at(-1)} ms`);
    t.not(a.bootIdOf(id), before, 'different boot id');
    t.equal((await a.inspect(id)).pid, handle.pid, 'same QEMU process');
    t.equal(await a.guestRequest!(id, 'config-get greeting'), 'hello qemu world', 'config survives the reboot');
  });

  await t.test('stop keeps the disk; start boots it again', async (t) => {
    const pid = handle.pid;
    const port = handle.hostPort;
    const t0 = Date.now();
    await a.stop(id, 10_000);
    t.comment(`graceful stop took ${Date.now() - t0} ms`);
    t.notOk(alive(pid), 'QEMU exited');
    t.match(await a.inspect(id), { phase: 'stopped', pid: 0, guestReady: false });
    t.ok(existsSync(handle.extra.overlay!), 'overlay kept');
    t.same(exitsA, [], 'a requested stop is no unexpected exit');
    await a.stop(id, 1_000); // idempotent
    const t1 = Date.now();
    handle = await a.start(handle);
    t.ok(handle.pid > 0 && handle.pid !== pid && alive(handle.pid), 'a new QEMU');
    t.equal(handle.hostPort, port, 'the same host port (it was free)');
    await waitFor(async () => (await a.inspect(id)).guestReady, {
      timeoutMs: 30_000,
      intervalMs: 20,
      message: 'guest ready after start',
    });
    readyMs.push(Date.now() - t1);
    t.comment(`start → guestReady: ${readyMs.at(-1)} ms`);
    t.equal(
      await a.guestRequest!(id, 'config-get greeting'),
      'hello qemu world',
      'config set before the stop is on the overlay',
    );
    t.same(pidsWith(name), [handle.pid], 'exactly one QEMU for the VM');
  });

  let b!: QemuDriver;
  const exitsB: Array<{ id: string; reason: string }> = [];

  await t.test('a second driver recovers the running VM', async (t) => {
    await a.close();
    t.ok(alive(handle.pid), 'closing the driver leaves the VM running');
    b = newDriver();
    b.onExit((vmId, reason) => exitsB.push({ id: vmId, reason }));
    t.equal(await b.recover(handle), true, 'recover → true');
    t.same(pidsWith(name), [handle.pid], 'still exactly one QEMU for the VM');
    await waitFor(async () => (await b.inspect(id)).guestReady, {
      timeoutMs: 5_000,
      message: 'guest re-announces ready to the new driver',
    });
    t.equal(await b.guestRequest!(id, 'ping'), 'pong');
    await b.suspend(id);
    t.match(await b.qmpCommand(id, 'query-status'), { status: 'paused' });
    await b.resume(id);
    t.match(await b.inspect(id), { phase: 'running', pid: handle.pid, hostPort: handle.hostPort });
    t.equal(await b.recover({ ...handle, pidStartTime: '1' }), true, 'already tracked: true');
    t.equal(
      await newDriver().recover({ ...handle, id: ulid(), pid: handle.pid, pidStartTime: '1' }),
      false,
      'pid with another start time is not ours',
    );
  });

  await t.test('kill -9: the exit is reported', async (t) => {
    process.kill(handle.pid, 'SIGKILL');
    await waitFor(() => exitsB.length > 0, { timeoutMs: 5_000, message: 'onExit' });
    t.equal(exitsB[0]!.id, id);
    t.match(exitsB[0]!.reason, /unexpectedly/);
    const st = await b.inspect(id);
    t.equal(st.phase, 'failed');
    t.equal(st.reason, exitsB[0]!.reason, `reason: ${st.reason}`);
    t.equal(st.pid, 0);
  });

  await t.test('destroy removes everything, idempotently', async (t) => {
    await b.destroy(id);
    t.notOk(existsSync(dir), 'VM dir gone (overlay, sockets, logs)');
    t.same(pidsWith(name), [], 'no QEMU for the VM');
    await b.destroy(id);
    await t.rejects(b.inspect(id), { name: 'DriverError', code: 'NOT_FOUND' }, 'the VM is unknown afterwards');
    t.same(
      readdirSync(stateDir).sort(),
      kvmUsable() ? ['accel.json'] : [],
      'only the accel cache (written where KVM was probed) is left in the state dir',
    );
    t.comment(`guest boot → ready: ${readyMs.join(', ')} ms (median ${median(readyMs)} ms)`);
  });
}
