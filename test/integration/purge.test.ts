// Record retention against a real controller and its LevelDB (issue 11, API
// gaps): a destroyed VM and a retired set are gone from Get/List (through the
// real CLI) once --record-retention has passed, with every index entry naming
// them; live VMs and sets, the tenant's quota usage and the events are intact.
import t from 'tap';
import { join } from 'node:path';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import { LevelStore } from '../../common/store/index.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { FAST, cli, hostIdOf, joinToken, listHosts, startAgent, startController } from '../helpers/procs.js';
import { setApi } from '../helpers/sets.js';
import { vmApi, killWith } from '../helpers/vms.js';

const spec = { scheme: 'process', vcpus: 1, memoryMib: 64, diskGib: 1, config: { title: 'purge' } };

t.test('destroyed VMs and retired sets are purged after --record-retention; the rest is intact', async (t) => {
  const dir = tmpDir();
  const ctl = await startController(dir, { args: [...FAST, '--record-retention', '2s'] });
  // A real agent with process VMs: a destroy is carried out and reported as it is in production.
  const adir = tmpDir();
  const agent = startAgent(ctl.address, adir, { joinToken: await joinToken(ctl) });
  const hostId = (await waitFor(async () => (await listHosts(ctl))[0]?.schemes.includes('process') && hostIdOf(adir), {
    timeoutMs: 30_000,
    message: 'agent offers process',
  })) as string;
  const vms = vmApi(ctl);
  const sets = setApi(ctl);
  t.teardown(async () => {
    vms.close();
    sets.close();
    await agent.kill();
    await ctl.kill();
    killWith(adir);
  });
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];

  const a = ctl.admin();
  await a.call((md, o, cb) => a.auth.CreateTenant({ name: 'acme' }, md, o, cb as never));
  a.close();
  const tenant = 'acme';
  // Two VMs at a time: the host has 2 CPUs, guaranteed VMs reserve one each.
  const gone = await vms.create(hostId, spec, { name: 'gone', tenant });
  const old = (await sets.create({ name: 'old', count: 1, spec, tenant })).set!;
  await vms.waitState(gone.id, 'VM_STATE_RUNNING');
  await sets.waitSet(old.id, (s) => s.running === 1, 'old set running');
  const oldVms = (await sets.vms()).filter((v) => v.setId === old.id).map((v) => v.id);
  t.equal(oldVms.length, 1);
  await vms.act('DestroyVm', gone.id);
  await sets.del(old.id);
  const usage = async () => (await sets.tenants()).find((x) => x.name === 'acme')!.usage;
  // Destroyed VMs hold no quota already, before any purge.
  await waitFor(async () => (await usage())?.vms === 0, { message: 'quota released by the destroys' });

  const keep = await vms.create(hostId, spec, { name: 'keep', tenant });
  const live = (await sets.create({ name: 'live', count: 1, spec, tenant })).set!;
  await vms.waitState(keep.id, 'VM_STATE_RUNNING');
  await sets.waitSet(live.id, (s) => s.running === 1, 'live set running');
  const before = await usage();
  t.equal(before?.vms, 2, 'the live VMs hold quota');

  // Purged once past retention (runs every second with 2 s retention).
  await waitFor(
    async () => {
      const ids = new Set((await sets.vms()).map((v) => v.id));
      const setIds = new Set((await sets.list()).map((s) => s.id));
      return !ids.has(gone.id) && !oldVms.some((id) => ids.has(id)) && !setIds.has(old.id);
    },
    { timeoutMs: 30_000, message: 'the destroyed VMs and the retired set purged' },
  );

  // Through the CLI: gone from show (NOT_FOUND, exit 1) and ls; the rest is there.
  const show = await cli([...base, 'vm', 'show', gone.id]);
  t.equal(show.code, 1, 'vm show of a purged VM: exit 1');
  t.match(show.stderr, /^nephele: NOT_FOUND/);
  t.equal(show.stdout, '');
  const setShow = await cli([...base, 'set', 'show', old.id]);
  t.equal(setShow.code, 1, 'set show of a purged set: exit 1');
  t.match(setShow.stderr, /^nephele: NOT_FOUND/);
  const ls = await cli([...base, '--json', 'vm', 'ls']);
  t.equal(ls.code, 0, ls.stderr);
  const listed = JSON.parse(ls.stdout) as Vm[] | { vms: Vm[] };
  const ids = (Array.isArray(listed) ? listed : listed.vms).map((v) => v.id).sort();
  const liveVm = (await sets.vms()).find((v) => v.setId === live.id)!.id;
  t.same(ids, [keep.id, liveVm].sort(), 'vm ls: the live VMs only');
  t.equal((await vms.get(keep.id)).state, 'VM_STATE_RUNNING', 'the kept VM is untouched');
  t.equal((await sets.get(live.id)).running, 1, 'the live set is untouched');
  t.same(await usage(), before, 'quota usage unchanged by the purge');

  // The history outlives the record: its events are still there.
  const hist = await cli([...base, '--json', 'events', 'tail', '--since', '0', '--type', 'vm.created']);
  t.match(hist.stdout, gone.id, "the purged VM's events are kept");

  // In the store: no index entry names a purged record.
  await ctl.stop();
  const store = await LevelStore.open(join(dir, 'store'));
  t.teardown(() => store.close());
  const purged = [gone.id, ...oldVms, old.id];
  for (const coll of ['vms', 'vms-by-tenant', 'vms-by-host', 'vms-by-set', 'vm-sets', 'vm-sets-by-tenant']) {
    for await (const { key } of store.scan(coll))
      t.notOk(
        purged.some((id) => key.includes(id)),
        `${coll}/${key} names no purged record`,
      );
  }
  t.ok(await store.get('vms', keep.id), 'the kept VM record is in the store');
});
