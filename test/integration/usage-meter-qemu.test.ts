import t from 'tap';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, hostIdOf, joinToken, listHosts, ROOT, startAgent, startController } from '../helpers/procs.js';
import { httpGet, killWith } from '../helpers/vms.js';
import { readUsage, seqsStored } from '../helpers/usage-meter.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';

// A QEMU guest's network bytes: user networking keeps no counters on the
// host, so the agent asks the guest (its /proc/net/dev). One real guest.

qemuOrSkip('usage-meter-qemu');

t.test("a QEMU guest's net bytes grow when its page is fetched", async (t) => {
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!haveQemu) return;
  buildGuestImage(t);

  const ctl = await startController(tmpDir(), { env: { NEPHELE_LOG_LEVEL: 'debug' } });
  const adir = tmpDir('ngu-');
  const args = ['--schemes', 'qemu', '--image-dir', join(ROOT, '.cache/guest'), '--usage-interval', '1s'];
  const agent = startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), args });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
    killWith(adir);
  });
  // A VM pinned to a host needs the host's inventory too (its capacity), not only its schemes.
  await waitFor(
    async () => {
      const h = (await listHosts(ctl))[0];
      return h?.schemes.includes('qemu') && !!h.inventory;
    },
    { timeoutMs: 60_000, message: 'agent offers qemu and reported its inventory' },
  );
  const run = (...a: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...a]);
  const created = await run(
    '--json',
    'vm',
    'create',
    '--name',
    'web',
    '--host',
    hostIdOf(adir),
    '--memory',
    '128',
    '--wait-for',
    'healthy',
    '--wait',
    '--timeout',
    '2m',
  );
  t.equal(created.code, 0, created.stderr);
  const vm = JSON.parse(created.stdout) as { id: string; hostPort: number };

  const stored = () => seqsStored(ctl).length;
  const idle = stored();
  await waitFor(() => stored() >= idle + 2, { timeoutMs: 30_000, message: 'usage of the idle guest stored' });
  const fetchFrom = Date.now();
  let bytes = 0;
  for (let i = 0; i < 40; i++) bytes += (await httpGet(vm.hostPort, 5000)).body.length;
  const fetched = stored();
  await waitFor(() => stored() >= fetched + 3, { timeoutMs: 30_000, message: 'usage after the fetches stored' });
  await agent.kill();
  await ctl.stop();

  const mine = (await readUsage(ctl.dataDir)).raw.filter((r) => r.vmId === vm.id);
  const guestSays = mine.filter((r) => r.sources.net === 'guest:/proc/net/dev');
  t.ok(guestSays.length >= 3, `net bytes read from the guest (${guestSays.length} of ${mine.length} records)`);
  t.match(mine[0]!.sources, { cpu: 'proc', memory: 'proc', disk: 'qmp' }, 'where the other counters came from');
  const tx = mine.filter((r) => r.endUnixMs > fetchFrom).reduce((n, r) => n + r.netTxBytes, 0);
  const rx = mine.filter((r) => r.endUnixMs > fetchFrom).reduce((n, r) => n + r.netRxBytes, 0);
  t.ok(tx >= bytes, `the guest sent at least the ${bytes} page bytes fetched (${tx})`);
  t.ok(rx > 40 * 40, `and received the 40 requests (${rx} bytes)`);
  t.ok(mine.reduce((n, r) => n + r.cpuSeconds, 0) > 0, 'QEMU used CPU');
});
