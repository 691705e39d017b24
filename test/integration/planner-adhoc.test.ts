import t from 'tap';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { FAST, hostIdOf, joinToken, listHosts, startAgent, startController, type Proc } from '../helpers/procs.js';
import { processesWith } from '../helpers/vms.js';
import { byHost, setApi } from '../helpers/sets.js';

// An ad-hoc desktop and a dedicated server under the planner: guaranteed work
// never lands on the desktop, best-effort work does; when its owner becomes
// busy the guests are suspended and nothing new starts there; when the owner
// leaves they resume; when the owner stays busy past the grace the controller
// moves them to the server and the desktop's copies are removed.

const spec = { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 };

t.test('ad-hoc owner policy with the planner: suspend, resume, no new work while busy, evacuate', async (t) => {
  const ctl = await startController(tmpDir(), { args: [...FAST, '--replace-after', '1s'] });
  const ddir = tmpDir();
  const adir = tmpDir();
  const dev = join(tmpDir(), 'event0');
  writeFileSync(dev, '');
  const touch = () => utimesSync(dev, new Date(), new Date());
  utimesSync(dev, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
  const agents: Proc[] = [
    startAgent(ctl.address, ddir, { joinToken: await joinToken(ctl), name: 'server', args: ['--schemes', 'process', '--guest-vcpus', '8'] }),
    startAgent(ctl.address, adir, {
      joinToken: await joinToken(ctl),
      name: 'desktop',
      args: ['--schemes', 'process', '--guest-vcpus', '8', '--kind', 'adhoc', '--owner-devices', dev, '--owner-busy-cpu', '0', '--owner-idle-after', '2s', '--owner-resume-after', '1s', '--owner-evacuate-after', '5s', '--owner-poll', '200ms'],
    }),
  ];
  let typing: NodeJS.Timeout | undefined;
  const api = setApi(ctl);
  t.teardown(async () => {
    clearInterval(typing);
    api.close();
    for (const a of agents) await a.kill();
    await ctl.kill();
    for (const d of [ddir, adir]) for (const pid of processesWith(d)) process.kill(pid, 'SIGKILL');
  });
  await waitFor(async () => (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY' && h.inventory?.guest?.vcpus === 8).length === 2, { timeoutMs: 30_000, message: 'both ready with their inventory' });
  const server = hostIdOf(ddir);
  const desktop = hostIdOf(adir);
  await waitFor(async () => (await api.hosts()).find((h) => h.id === desktop)?.owner === 'OWNER_STATE_IDLE', { message: 'desktop owner idle' });

  const g = (await api.create({ name: 'paid', count: 3, spec, sla: 'SLA_GUARANTEED' })).set!;
  t.same([...byHost(await api.plan(g.id)).keys()], [server], `guaranteed work only on the dedicated host ${g.reasons.join('; ')}`);
  const be = (await api.create({ name: 'spare', count: 2, spec, sla: 'SLA_BEST_EFFORT', strategy: 'PLACEMENT_STRATEGY_SPREAD' })).set!;
  await api.waitSet(be.id, (s) => s.running === 2, 'best-effort running');
  const rows = (await api.plan(be.id)).rows;
  t.ok(rows.every((r) => r.hostId === desktop), 'best-effort work soaks up the desktop first');

  // The owner sits down: guests suspended, the desktop takes nothing new.
  touch();
  typing = setInterval(touch, 100);
  await waitFor(async () => (await api.hosts()).find((h) => h.id === desktop)?.owner === 'OWNER_STATE_BUSY', { message: 'owner busy seen by the controller' });
  await waitFor(async () => {
    const vms = (await api.vms()).filter((v) => v.setId === be.id);
    return vms.every((v) => v.state === 'VM_STATE_SUSPENDED' && v.stateReason === 'owner active') ? vms : undefined;
  }, { timeoutMs: 15_000, message: 'guests suspended for the owner' });
  for (const r of rows) t.match(readFileSync(`/proc/${processesWith(r.vmId)[0]}/stat`, 'utf8'), /\) T /, `${r.vmName} is really stopped`);
  const late = (await api.create({ name: 'late', count: 1, spec, sla: 'SLA_BEST_EFFORT', strategy: 'PLACEMENT_STRATEGY_BINPACK' })).set!;
  t.same([...byHost(await api.plan(late.id)).keys()], [server], 'new best-effort work goes elsewhere while the owner is busy');

  // The owner leaves before the grace: the same guests resume.
  clearInterval(typing);
  await waitFor(async () => {
    const vms = (await api.vms()).filter((v) => v.setId === be.id);
    return vms.every((v) => v.state === 'VM_STATE_RUNNING') ? vms : undefined;
  }, { timeoutMs: 20_000, message: 'guests resumed' });
  t.ok((await api.plan(be.id)).rows.every((r) => r.hostId === desktop && r.attempts === 1), 'resumed in place, not moved');

  // The owner stays: after the grace the controller moves the guests to the server.
  touch();
  typing = setInterval(touch, 100);
  await waitFor(async () => (await api.hosts()).find((h) => h.id === desktop)?.owner === 'OWNER_STATE_EVACUATE', { timeoutMs: 20_000, message: 'owner evacuate' });
  const moved = await waitFor(async () => {
    const p = await api.plan(be.id);
    return p.rows.every((r) => r.hostId === server && r.status === 'running') ? p : undefined;
  }, { timeoutMs: 30_000, message: 'guests evacuated to the server' });
  t.ok(moved.rows.every((r) => r.attempts === 2), 'each guest placed a second time');
  await waitFor(() => moved.rows.every((r) => processesWith(r.vmId).length === 1), { timeoutMs: 20_000, message: 'the desktop copies removed' });
  t.equal((await api.hosts()).find((h) => h.id === desktop)?.vmCount, 0, 'nothing holds capacity on the desktop');
  clearInterval(typing);
});
