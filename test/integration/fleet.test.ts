import t from 'tap';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { getHost, hostIdOf, joinToken, listHosts, startAgent, startController, type Proc } from '../helpers/procs.js';
import type { ListEventsResponse__Output } from '../../common/gen/nephele/v1/ListEventsResponse.js';

// The foundation end to end: a controller process and three agent processes
// enrol over mTLS, report inventory, stay live, survive a kill -9 and a
// controller restart.
t.test('fleet of three agents over mTLS', async (t) => {
  const cdir = tmpDir();
  let ctl = await startController(cdir);
  const agents: { dir: string; proc: Proc; id?: string }[] = [];
  t.teardown(async () => {
    await Promise.all(agents.map((a) => a.proc.kill()));
    await ctl.kill();
  });

  for (let i = 0; i < 3; i++) {
    const dir = tmpDir();
    agents.push({ dir, proc: startAgent(ctl.address, dir, { joinToken: await joinToken(ctl), name: `agent-${i}` }) });
  }
  const hosts = await waitFor(
    async () => {
      const hs = await listHosts(ctl);
      // Ready on Hello, inventory right after, free capacity with the first heartbeat (after the outbox is squared).
      return hs.length === 3 &&
        hs.every((h) => h.state === 'HOST_STATE_READY' && h.inventory && Number(h.free?.memoryBytes ?? 0) > 0)
        ? hs
        : undefined;
    },
    { timeoutMs: 45_000, message: 'three ready hosts with inventory and a heartbeat' },
  );
  for (const a of agents) a.id = hostIdOf(a.dir);

  t.same(hosts.map((h) => h.name).sort(), ['agent-0', 'agent-1', 'agent-2'], 'names as the agents reported');
  t.same(
    new Set(hosts.map((h) => h.id)),
    new Set(agents.map((a) => a.id)),
    'host ids are the ones the agents keep on disk',
  );
  for (const h of hosts) {
    const inv = h.inventory!;
    t.ok(inv.cpu!.threads >= 1 && inv.cpu!.model.length > 0, 'cpu reported');
    t.ok(inv.memory!.totalBytes > 0, 'memory reported');
    t.ok(inv.os!.kernel.length > 0, 'os reported');
    const { software } = (await getHost(ctl, h.id)).inventory!;
    t.ok(
      software.some((s) => s.name === 'node' && s.version === process.versions.node),
      'software reported (the agent runs on this node)',
    );
    t.notOk(
      software.some((s) => ['java', 'gcc', 'npm', 'pip'].includes(s.name)),
      'only the software a VM host is asked about',
    );
    t.equal(inv.total!.vcpus, inv.cpu!.threads, 'total vcpus = threads');
    t.equal(
      inv.guest!.memoryBytes,
      Math.max(0, inv.total!.memoryBytes - inv.reserved!.memoryBytes),
      'guest = total - reserve',
    );
    t.match(inv.hash, /^[0-9a-f]{32}$/, 'inventory hash');
    t.equal(h.kind, 'HOST_KIND_DEDICATED');
    t.ok(h.free!.memoryBytes > 0, 'free capacity from heartbeats');
    t.ok(h.lastSeenUnixMs > Date.now() - 5000, 'recently seen');
  }

  // kill -9 one agent: unreachable, then down, each a persisted event.
  const victim = agents[0]!;
  await victim.proc.kill();
  const killedAt = Date.now();
  await waitFor(
    async () => (await listHosts(ctl)).find((h) => h.id === victim.id)?.state === 'HOST_STATE_UNREACHABLE',
    { message: 'unreachable' },
  );
  await waitFor(async () => (await listHosts(ctl)).find((h) => h.id === victim.id)?.state === 'HOST_STATE_DOWN', {
    message: 'down',
  });
  t.ok(Date.now() - killedAt < 8000, `down within the configured times (${Date.now() - killedAt} ms)`);
  const admin = ctl.admin();
  const ev = await admin.call<ListEventsResponse__Output>((md, o, cb) =>
    admin.events.ListEvents(
      { sinceSeq: 0, pageSize: 1000, filter: { typePrefix: 'host.state_changed', hostId: victim.id } },
      md,
      o,
      cb,
    ),
  );
  admin.close();
  // A loaded machine may miss a beat before the kill (ready→unreachable→ready); the
  // log must still start ready and end unreachable → down.
  const states = ev.events.map((e) => e.attributes.state);
  t.equal(states[0], 'ready', 'first transition: ready');
  t.same(states.slice(-2), ['unreachable', 'down'], 'transitions are events, in order, ending unreachable → down');

  // Restart the controller on the same port: hosts persist, live agents come back by themselves.
  const port = ctl.port;
  await ctl.stop();
  ctl = await startController(cdir, { port });
  const after = await listHosts(ctl);
  t.equal(after.length, 3, 'all hosts still listed after restart');
  t.equal(after.find((h) => h.id === victim.id)?.state, 'HOST_STATE_DOWN', 'the dead one stays down');
  await waitFor(
    async () => {
      const hs = await listHosts(ctl);
      return agents
        .slice(1)
        .every(
          (a) => hs.find((h) => h.id === a.id)?.state === 'HOST_STATE_READY' && hs.find((h) => h.id === a.id)?.peer,
        );
    },
    { timeoutMs: 30_000, message: 'live agents reconnected' },
  );
  t.pass('the two live agents reconnected with no operator action');
  const inv = (await listHosts(ctl)).find((h) => h.id === agents[1]!.id)!.inventory;
  t.ok(inv?.hash, 'inventory survived the restart');
});
