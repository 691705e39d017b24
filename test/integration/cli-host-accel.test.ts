// Whether QEMU runs guests under KVM or TCG (issue 11, item 11): a real agent's
// QEMU driver decides it with its probe guest; the inventory carries it and
// `host show` says it. Before, only the agent's log did.
import t from 'tap';
import { join } from 'node:path';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, hostIdOf, joinToken, listHosts, ROOT, startAgent, startController } from '../helpers/procs.js';
import { killWith } from '../helpers/vms.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';

qemuOrSkip('cli-host-accel');

t.test('host show names the accelerator the agent chose; the inventory carries it', async (t) => {
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!haveQemu) return;
  buildGuestImage(t);

  const ctl = await startController(tmpDir());
  const adir = tmpDir('nga-');
  const agent = startAgent(ctl.address, adir, {
    joinToken: await joinToken(ctl),
    args: ['--schemes', 'qemu', '--image-dir', join(ROOT, '.cache/guest')],
  });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
    killWith(adir);
  });
  await waitFor(async () => (await listHosts(ctl))[0]?.inventory?.hash, {
    timeoutMs: 60_000,
    message: 'agent reported its inventory',
  }).catch((e) => {
    t.comment(agent.output().slice(-3000));
    throw e;
  });
  const hostId = hostIdOf(adir);
  // What the agent's driver logged is the truth the controller must now show.
  const logged = /"msg":"driver fingerprint"/.test(agent.output())
    ? agent
        .output()
        .split('\n')
        .filter((l) => l.includes('"driver fingerprint"') && l.includes('"scheme":"qemu"'))
        .map((l) => (JSON.parse(l) as { attributes?: { accelerator?: string } }).attributes?.accelerator)[0]
    : undefined;
  t.match(logged, /^(kvm|tcg)$/, 'the agent logged its accelerator');

  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const show = await cli([...base, 'host', 'show', hostId]);
  t.equal(show.code, 0, show.stderr);
  t.equal(show.stderr, '');
  t.comment(show.stdout.split('\n').find((l) => l.startsWith('Accelerator')) ?? '');
  t.match(show.stdout, new RegExp(`^Accelerator: +${logged} \\((forced|no-kvm|cache|probe): .+\\)$`, 'm'));

  const js = await cli([...base, '--json', 'host', 'show', hostId]);
  t.equal(js.code, 0, js.stderr);
  const h = JSON.parse(js.stdout) as Host;
  t.equal(h.accelerator, logged, 'Host.accelerator');
  const qemu = h.inventory?.hypervisors.find((x) => x.accelerator);
  t.equal(qemu?.accelerator, logged, 'the inventory says it on the QEMU binary the driver uses');
  t.match(qemu?.binary, /qemu-system-x86_64$/);
  t.ok(qemu?.acceleratorReason, 'and how it was decided');

  // `host ls` reads the basic view: the accelerator is there too.
  const ls = await cli([...base, '--json', 'host', 'ls']);
  t.equal((JSON.parse(ls.stdout) as Host[])[0]?.accelerator, logged);
});
