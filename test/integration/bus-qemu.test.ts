// The bus across schemes (issue 16 item 6, "Done when"): ONE real qemu guest on
// one real agent and a process VM on another exchange ordered messages on a
// topic both ways, without any network between them: the guest through its
// guest agent (scripts/guest/bus.sh → agent.sh → the guest channel), the
// process VM through its local socket. Another tenant's token cannot subscribe.
import t from 'tap';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, hostIdOf, joinToken, startAgent, startController } from '../helpers/procs.js';
import { buildGuestImage, haveQemu, qemuOrSkip, startQemuAgent } from '../helpers/qemu.js';
import { vmApi } from '../helpers/vms.js';
import { b64, BusClient } from '../helpers/bus-socket.js';
import { controlExec, CONTROL_SOCKET } from '../../agent/local/control.js';
import type { Topic__Output as Topic } from '../../common/gen/nephele/v1/Topic.js';

qemuOrSkip('bus-qemu');

const N = 10;

t.test('a qemu guest and a process VM on different agents talk over the bus', async (t) => {
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!haveQemu || !buildGuestImage(t)) return;
  const ctl = await startController(tmpDir());
  t.teardown(() => ctl.kill());
  const qdir = tmpDir('nbq-');
  const pdir = tmpDir('nbp-');
  await startQemuAgent(t, ctl, qdir);
  const pagent = startAgent(ctl.address, pdir, { joinToken: await joinToken(ctl), name: 'bus-process' });
  t.teardown(() => pagent.kill());
  const a = ctl.admin();
  t.teardown(() => a.close());
  for (const name of ['acme', 'other']) await a.call((md, o, cb) => a.auth.CreateTenant({ name }, md, o, cb as never));
  const api = vmApi(ctl);
  t.teardown(() => api.close());
  const base = { vcpus: 1, memoryMib: 128, diskGib: 1, image: 'nephele-guest', appliancePort: 80 };
  const qvm = (await api.create(hostIdOf(qdir), { ...base, scheme: 'qemu' }, { tenant: 'acme' })).id;
  const pvm = await waitFor(
    async () =>
      (await api.create(hostIdOf(pdir), { ...base, scheme: 'process' }, { tenant: 'acme' }).catch(() => undefined))?.id,
  );
  await api.waitState(pvm, 'VM_STATE_RUNNING');
  await waitFor(async () => (await api.get(qvm)).guestReady, { timeoutMs: 60_000, message: 'the guest is up' });

  const inGuest = (...argv: string[]) => controlExec(join(qdir, CONTROL_SOCKET), { vm: qvm, argv, timeoutMs: 20_000 });
  const topics = async () =>
    (
      await a.call<{ topics: Topic[] }>((md, o, cb) =>
        a.schemes.ListTopics({ tenant: 'acme', pageSize: 100 }, md, o, cb as never),
      )
    ).topics;
  const proc = await waitFor(() => BusClient.connect(BusClient.path(pdir, pvm)).catch(() => undefined));
  t.teardown(() => proc.close());

  // Both subscribe: the guest through its agent, the process VM on its socket.
  t.same(await inGuest('/usr/lib/nephele/bus.sh', 'sub', 'to-qemu'), { exitCode: 0, output: '' });
  t.equal(await proc.send('sub to-process'), 'ok');
  await waitFor(
    async () => {
      const ts = await topics();
      return (
        ts.find((x) => x.name === 'to-qemu')?.vmIds.includes(qvm) &&
        ts.find((x) => x.name === 'to-process')?.vmIds.includes(pvm)
      );
    },
    { message: 'both subscriptions reached the controller' },
  );

  // process → qemu
  proc.burst(Array.from({ length: N }, (_, i) => `pub to-qemu ${b64(`p${i}`)}`));
  const expectQ = Array.from({ length: N }, (_, i) => `p${i}`);
  const got = await waitFor(
    async () => {
      const r = await inGuest('/usr/lib/nephele/bus.sh', 'cat', 'to-qemu');
      const lines = r.output.split('\n').filter(Boolean);
      return lines.length >= N ? lines : undefined;
    },
    { timeoutMs: 30_000, message: 'the guest got them all' },
  );
  t.same(got, expectQ, 'the guest got the process VM’s messages in order');
  const raw = await inGuest('/usr/lib/nephele/bus.sh', 'recv', 'to-qemu');
  t.match(raw.output, new RegExp(`^1 ${pvm} process \\d+ `), 'with seq, sender and its scheme');

  // qemu → process
  const script = Array.from({ length: N }, (_, i) => `/usr/lib/nephele/bus.sh pub to-process q${i}`).join(' && ');
  t.equal((await inGuest('sh', '-c', script)).exitCode, 0);
  await waitFor(() => proc.got.length >= N, { timeoutMs: 30_000, message: 'the process VM got them all' });
  t.same(
    proc.got.map((m) => m.payload),
    Array.from({ length: N }, (_, i) => `q${i}`),
    'the process VM got the guest’s messages in order',
  );
  t.same(
    proc.got.map((m) => m.seq),
    Array.from({ length: N }, (_, i) => i + 1),
    'gap-free seqs',
  );
  t.ok(
    proc.got.every((m) => m.fromVmId === qvm && m.fromScheme === 'qemu'),
    'from the qemu VM',
  );

  // Another tenant cannot subscribe to acme's topic.
  const other = (
    await a.call<{ secret: string }>((md, o, cb) =>
      a.auth.CreateToken({ kind: 'TOKEN_KIND_API', role: 'tenant-admin', tenant: 'other' }, md, o, cb as never),
    )
  ).secret;
  const r = await cli([
    ...['--controller', ctl.address, '--data-dir', ctl.dataDir, '--token', other],
    ...['bus', 'sub', 'to-qemu', '--tenant', 'acme', '--count', '1'],
  ]);
  t.equal(r.code, 1);
  t.match(r.stderr, /PERMISSION_DENIED/);
});
