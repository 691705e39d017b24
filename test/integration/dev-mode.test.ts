// `npm run dev` stopped with Ctrl-C leaves nothing running (issue 11, item 10):
// dev mode's agent stops its VMs before it exits. The dev script runs as a real
// process in its own process group and gets SIGINT as a terminal's Ctrl-C
// delivers it (to the whole group); VMs are made through the real CLI.
import t from 'tap';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import { AdminClient } from '../../controller/cli/client.js';
import { freePort } from '../../agent/drivers/process/ports.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, ROOT } from '../helpers/procs.js';
import { processesUnder, track } from '../helpers/reap.js';
import { processesWith } from '../helpers/vms.js';

t.test('Ctrl-C of dev mode stops its VMs, its agent and its controller', async (t) => {
  const dir = tmpDir();
  const listen = `127.0.0.1:${await freePort()}`;
  const dev = spawn(process.execPath, [join(ROOT, 'dist/scripts/dev.js')], {
    // Process VMs only: no guest image to build, no QEMU probe.
    env: { ...process.env, NEPHELE_DEV_DIR: dir, NEPHELE_DEV_LISTEN: listen, NEPHELE_SCHEMES: 'process' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, as a terminal's foreground job
  });
  track(dev);
  let out = '';
  let err = '';
  dev.stdout.on('data', (d) => (out += d));
  dev.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => dev.once('exit', (code) => r(code)));
  await waitFor(() => out.includes('Nephele dev:'), { timeoutMs: 60_000, message: 'dev mode ready' });
  const admin = new AdminClient({ controller: listen, dataDir: dir });
  t.teardown(() => admin.close());
  await waitFor(
    async () =>
      (
        await admin.call<{ hosts: Host[] }>((md, o, cb) => admin.hosts.ListHosts({ pageSize: 10 }, md, o, cb as never))
      ).hosts.some((h) => h.state === 'HOST_STATE_READY' && h.inventory),
    { timeoutMs: 30_000, message: 'the dev agent ready' },
  );

  const made = await cli([
    ...['--controller', listen, '--data-dir', dir],
    ...'--json set create --name web --count 2 --scheme process --memory 64 --wait'.split(' '),
  ]);
  t.equal(made.code, 0, made.stderr);
  const setId = (JSON.parse(made.stdout) as VmSet).id;
  const vms = (
    await admin.call<{ vms: Vm[] }>((md, o, cb) => admin.vms.ListVms({ pageSize: 100 }, md, o, cb as never))
  ).vms.filter((v) => v.setId === setId);
  t.equal(vms.length, 2);
  const vmPids = () => vms.flatMap((v) => processesWith(v.id));
  t.ok(vmPids().length >= 2, 'the VMs run');

  process.kill(-dev.pid!, 'SIGINT'); // Ctrl-C
  t.equal(await exited, 0, 'dev mode exits 0');
  t.match(err, /\[dev\] stopping: the agent stops its VMs/, 'says what it does, on stderr');
  t.same(vmPids(), [], 'no VM process is left');
  t.same(processesUnder(dir), [], 'nothing of dev mode runs: controller, agent, fence watcher, VMs');
});
