// The qemu driver's appliance monitor against ONE real guest: `mon` (app,
// version, processes with exe sha256), exec exit codes and output, a rogue
// started by exec and killed by pid with the hash check (refused with a wrong
// hash), the push of a fault when httpd is killed from inside via exec, and
// app-update.
import t from 'tap';
import type { GuestEvent, VmSpec } from '../../agent/drivers/driver.js';
import { QemuDriver } from '../../agent/drivers/qemu/driver.js';
import { ulid } from '../../common/ids.js';
import { ROOT } from '../helpers/procs.js';
import { buildGuestImage, qemuOrSkip } from '../helpers/qemu.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { join } from 'node:path';

qemuOrSkip('the qemu monitor test');
t.setTimeout(600_000);
if (!buildGuestImage(t)) process.exit(1);

const d = new QemuDriver({ stateDir: tmpDir('nephele-qmon-'), imageRoot: join(ROOT, '.cache/guest'), accel: 'tcg' });
const id = ulid();
t.teardown(async () => {
  await d.destroy(id).catch(() => {});
  await d.close();
});
const spec: VmSpec = {
  id,
  name: 'mon',
  vcpus: 1,
  memoryMiB: 128,
  diskGiB: 1,
  image: 'nephele-guest',
  appliancePort: 8080,
  config: { title: 'Monitored', appliance_version: '1.0', licence_id: 'L-9', licence_seats: '4' },
};

t.test('mon, exec, kill, fault push, app-update in a real guest', async (t) => {
  const events: GuestEvent[] = [];
  d.onGuestEvent((vm, e) => vm === id && events.push(e));
  await d.create(spec);
  await waitFor(async () => (await d.inspect(id)).guestReady, { timeoutMs: 120_000, message: 'guest ready' });

  let t1 = Date.now();
  const s = await d.monitorSample(id);
  const first = Date.now() - t1;
  t1 = Date.now();
  await d.monitorSample(id);
  t.comment(`mon: first ${first} ms (hashes every executable), then ${Date.now() - t1} ms (cached)`);
  t.equal(s.app, 'running');
  t.equal(s.applianceVersion, '1.0');
  t.same(s.licence, { licenceId: 'L-9', seats: 4, seatsInUse: 0, expiresUnixMs: 0 });
  t.match(s.configHash, /^[0-9a-f]{64}$/);
  const httpd = s.processes.find((p) => p.name === 'httpd');
  t.ok(httpd, 'httpd among the processes');
  t.match(httpd!.exeSha256, /^[0-9a-f]{64}$/, 'exe sha256');
  t.match(httpd!.cmdline, /httpd -f -p 8080/, 'cmdline');
  t.notOk(
    s.processes.some((p) => p.pid < 1),
    'kernel threads left out',
  );

  t.same(await d.guestExec(id, ['sh', '-c', 'echo "$0"; exit 7', 'two words'], 10_000), {
    exitCode: 7,
    output: 'two words\n',
  });
  t.equal((await d.guestExec(id, ['true'], 10_000)).exitCode, 0);

  // A rogue: a copy of busybox (it runs the applet it is named after), started from inside.
  await d.guestExec(id, ['sh', '-c', 'cp /bin/busybox /tmp/sleep && /tmp/sleep 600 >/dev/null 2>&1 &'], 20_000);
  const rogue = await waitFor(
    async () => (await d.monitorSample(id)).processes.find((p) => p.cmdline === '/tmp/sleep 600'),
    {
      timeoutMs: 20_000,
      message: 'rogue polled',
    },
  );
  t.equal(rogue.exeSha256, httpd!.exeSha256, 'same binary, same hash');
  await t.rejects(d.appAction(id, { kind: 'kill_process', pid: 1 }), /refused/, 'never init');
  await t.rejects(
    d.appAction(id, { kind: 'kill_process', pid: rogue.pid, exeSha256: 'e'.repeat(64) }),
    /differs/,
    'a wrong hash is refused',
  );
  t.equal(
    await d.appAction(id, { kind: 'kill_process', pid: rogue.pid, exeSha256: rogue.exeSha256 }),
    `killed pid ${rogue.pid}`,
  );
  t.notOk(
    (await d.monitorSample(id)).processes.some((p) => p.pid === rogue.pid),
    'rogue gone',
  );

  // app-update: recorded and restarted, no fault pushed for it.
  t.equal(await d.appAction(id, { kind: 'update_app', version: '2.0' }), 'app running at 2.0');
  t.equal((await d.monitorSample(id)).applianceVersion, '2.0');

  // httpd killed from inside: the guest pushes a fault on its own.
  const pid = (await d.monitorSample(id)).processes.find((p) => p.name === 'httpd')!.pid;
  const t0 = Date.now();
  t.equal((await d.guestExec(id, ['kill', '-9', String(pid)], 10_000)).exitCode, 0);
  await waitFor(() => events.length > 0, { timeoutMs: 20_000, message: 'fault pushed' });
  t.same(events, [{ kind: 'fault', detail: 'app-exited' }], 'one fault, none for the asked-for restart');
  t.comment(`push after ${Date.now() - t0} ms`);
  t.equal((await d.monitorSample(id)).app, 'stopped');
  t.equal(await d.appAction(id, { kind: 'restart_app' }), 'app running');
  t.equal((await d.monitorSample(id)).app, 'running');
});
