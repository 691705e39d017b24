import t from 'tap';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import {
  FAST,
  hostIdOf,
  joinToken,
  listHosts,
  startAgent,
  startController,
  type ControllerProc,
  type Proc,
} from '../helpers/procs.js';
import { processesWith, vmRoots, killWith } from '../helpers/vms.js';
import { byHost, setApi } from '../helpers/sets.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';

// The planner with real agents (process driver): a set of 20 spread over 3
// agents, a dry run, a set too big for the fleet, an agent killed (its
// guaranteed VMs re-placed after the grace, the stale copies stopped when it
// returns, never two running), a drain, and every capacity back to zero.

const spec = { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 };
const AGENT_ARGS = ['--schemes', 'process', '--guest-vcpus', '16', '--reserve-memory', '256M'];

t.test('a set of 20 over 3 agents: spread, dry run, partial placement, down host, return, drain, delete', async (t) => {
  const cdir = tmpDir();
  const ctl: ControllerProc = await startController(cdir, {
    args: [...FAST, '--replace-after', '1s', '--strategy', 'spread'],
  });
  const dirs = [tmpDir(), tmpDir(), tmpDir()];
  const agents: Proc[] = [];
  for (const [i, d] of dirs.entries())
    agents.push(startAgent(ctl.address, d, { joinToken: await joinToken(ctl), name: `agent-${i}`, args: AGENT_ARGS }));
  const api = setApi(ctl);
  t.teardown(async () => {
    api.close();
    for (const a of agents) await a.kill();
    await ctl.kill();
    for (const d of dirs) killWith(d);
  });
  await waitFor(
    async () =>
      (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY' && h.inventory?.guest?.vcpus === 16)
        .length === 3,
    { timeoutMs: 30_000, message: '3 agents ready with 16 guest vcpus' },
  );
  const ids = dirs.map(hostIdOf);

  // A dry run plans but changes nothing.
  const before = {
    vms: (await api.vms()).length,
    usage: (await api.tenants()).find((x) => x.name === 'default')!.usage,
  };
  const dry = await api.create({ name: 'dry', count: 5, spec, sla: 'SLA_GUARANTEED' }, true);
  t.equal(dry.set, null, 'a dry run returns no set');
  t.equal(dry.plan.rows.length, 5, 'but a plan of 5 rows');
  t.ok(
    dry.plan.rows.every((r) => r.status === 'planned' && ids.includes(r.hostId)),
    'each planned on a real host',
  );
  t.equal((await api.vms()).length, before.vms, 'no vm was created');
  t.same((await api.tenants()).find((x) => x.name === 'default')!.usage, before.usage, 'no quota was reserved');
  t.ok(
    (await api.hosts()).every((h) => h.vmCount === 0 && h.allocated?.vcpus === 0),
    'no host capacity was reserved',
  );
  t.equal((await api.list()).length, 0, 'no set was stored');

  // 20 guaranteed VMs spread over 3 hosts.
  const { set } = await api.create({
    name: 'web',
    count: 20,
    spec,
    sla: 'SLA_GUARANTEED',
    strategy: 'PLACEMENT_STRATEGY_SPREAD',
  });
  t.equal(set!.state, 'VM_SET_STATE_PLACED', 'placed at once');
  await api.waitSet(set!.id, (s) => s.running === 20, '20 running', 90_000);
  let plan = await api.plan(set!.id);
  const spread = [...byHost(plan).values()].sort((a, b) => a - b);
  t.ok(spread.length === 3 && spread[2]! - spread[0]! <= 1, `spread evenly over the three hosts (${spread.join('/')})`);
  t.ok(
    plan.rows.every((r) => r.confirmedUnixMs >= r.reservedUnixMs && r.reservedUnixMs > 0),
    'every VM reserved, then confirmed by its host',
  );
  for (const r of plan.rows) t.equal(vmRoots(r.vmId).length, 1, `one process for ${r.vmName}`);
  const hostsNow = await api.hosts();
  t.equal(
    hostsNow.reduce((n, h) => n + h.vmCount, 0),
    20,
    'hosts account 20 VMs',
  );
  t.equal(
    hostsNow.reduce((n, h) => n + (h.allocated?.vcpus ?? 0), 0),
    20,
    'and 20 vCPUs',
  );

  // Too big for what is left: a clear partial placement, nothing leaked.
  const big = await api.create({ name: 'big', count: 40, spec, sla: 'SLA_GUARANTEED' });
  t.equal(big.set!.state, 'VM_SET_STATE_PARTIAL', 'partially placed');
  t.equal(big.set!.placed, 28, 'what fits (28 free vCPUs) is placed');
  t.match(big.set!.reasons.join('; '), /3 hosts: not enough vcpus/, 'with the reason, per host count');
  t.equal(big.plan.unplaced, 12, 'the plan says 12 are unplaced');
  await api.del(big.set!.id);
  await api.waitSet(big.set!.id, (s) => s.state === 'VM_SET_STATE_RETIRED', 'big set retired');
  t.equal(
    (await api.hosts()).reduce((n, h) => n + (h.allocated?.vcpus ?? 0), 0),
    20,
    'its capacity was given back exactly',
  );

  // Kill one agent: after the down timeout and the grace its VMs move to the other two.
  const victim = ids[0]!;
  const onVictim = plan.rows.filter((r) => r.hostId === victim).map((r) => r.vmId);
  await agents[0]!.kill();
  await waitFor(
    async () => {
      const p = await api.plan(set!.id);
      return p.rows.every((r) => r.hostId !== victim && r.status === 'running') ? p : undefined;
    },
    { timeoutMs: 60_000, message: 'VMs of the down host re-placed and running' },
  );
  plan = await api.plan(set!.id);
  t.equal(byHost(plan).get(victim) ?? 0, 0, 'nothing left on the down host');
  t.ok(
    plan.rows.filter((r) => onVictim.includes(r.vmId)).every((r) => r.attempts === 2),
    'each moved VM shows its second placement',
  );
  t.equal(plan.rows.length, 20, 'still 20 VMs');

  // It comes back: its stale copies are stopped, never two of one VM.
  agents[0] = startAgent(ctl.address, dirs[0]!, { name: 'agent-0', args: AGENT_ARGS });
  await waitFor(async () => (await listHosts(ctl)).find((h) => h.id === victim)?.state === 'HOST_STATE_READY', {
    timeoutMs: 30_000,
    message: 'victim back',
  });
  await waitFor(() => plan.rows.every((r) => vmRoots(r.vmId).length === 1), {
    timeoutMs: 30_000,
    message: 'exactly one process per VM',
  });
  const a = ctl.admin();
  const staleReported = async () => {
    const evs = (
      await a.call<{ events: Event[] }>((md, o, cb) =>
        a.events.ListEvents({ pageSize: 1000, filter: { typePrefix: 'vm.stale_copy' } }, md, o, cb as never),
      )
    ).events;
    return new Set(evs.filter((e) => e.hostId === victim).map((e) => e.attributes.vm_id));
  };
  const stale = await waitFor(
    async () => {
      const ids = await staleReported();
      return ids.size >= onVictim.length ? ids : undefined;
    },
    { timeoutMs: 30_000, message: 'stale copies reported' },
  ).catch(async () => staleReported());
  a.close();
  t.same([...stale].sort(), [...onVictim].sort(), 'every stale copy on the returning host was reported removed');
  // A late duplicate would show up while the agents keep converging: wait for two more heartbeats from each.
  const mark = Date.now();
  await waitFor(async () => (await listHosts(ctl)).every((h) => h.lastSeenUnixMs > mark + 2 * h.heartbeatIntervalMs), {
    timeoutMs: 30_000,
    message: 'two heartbeats from every agent',
  });
  t.ok(
    plan.rows.every((r) => vmRoots(r.vmId).length === 1),
    'still exactly one process per VM',
  );

  // Drain the second host: its VMs move, it is cordoned.
  const drained = ids[1]!;
  const res = await api.drain(drained);
  t.ok(res.host.cordoned, 'drained host is cordoned');
  t.ok(res.vmsMoved > 0 && res.vmsUnplaced === 0, `moved ${res.vmsMoved} VMs`);
  await waitFor(
    async () => {
      const p = await api.plan(set!.id);
      return p.rows.every((r) => r.hostId !== drained && r.status === 'running') ? p : undefined;
    },
    { timeoutMs: 60_000, message: 'drained VMs running elsewhere' },
  );
  await waitFor(() => plan.rows.every((r) => vmRoots(r.vmId).length === 1), {
    timeoutMs: 30_000,
    message: 'one process per VM after the drain',
  });
  const more = await api.create({ name: 'more', count: 10, spec }, true);
  t.equal(more.plan.rows.length, 10, 'a new plan still fits (12 vCPUs free on the other two)');
  t.notOk(
    more.plan.rows.some((r) => r.hostId === drained),
    'but places nothing on the cordoned host',
  );

  // Delete: every VM destroyed, every reservation back to zero.
  await api.del(set!.id);
  await api.waitSet(set!.id, (s) => s.state === 'VM_SET_STATE_RETIRED', 'set retired', 60_000);
  const after = await api.hosts();
  t.ok(
    after.every((h) => h.vmCount === 0 && h.allocated?.vcpus === 0 && h.allocated?.memoryBytes === 0),
    'host capacity accounting back to zero',
  );
  t.same(
    (await api.tenants()).find((x) => x.name === 'default')!.usage,
    { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 },
    'tenant quota usage back to zero',
  );
  t.ok(
    plan.rows.every((r) => processesWith(r.vmId).length === 0),
    'no VM process left',
  );
});
