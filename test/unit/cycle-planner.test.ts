// An update cycle against the REAL planner (the in-process harness: store,
// event log, registries, planner and scheduler; a fake clock): the planner seam
// (plannerSets) scales the revised set batch by batch, and retires the prior
// set at the end, its VMs destroyed and their capacity back.
import t from 'tap';
import { put } from '../../common/store/index.js';
import { indexKey, MGMT_BY_SET, MGMT_TOKENS, SETS_BY_IMAGE } from '../../controller/model/index.js';
import type { CycleRecord, ManagementRecord } from '../../controller/model/index.js';
import { CycleRunner } from '../../controller/tokens/cycle/act.js';
import { CycleService } from '../../controller/tokens/cycle/cycles.js';
import { plannerSets } from '../../controller/tokens/cycle/observe.js';
import type { Management } from '../../controller/tokens/ports.js';
import { silentLogger } from '../../common/logger.js';
import { PlannerHarness } from '../helpers/planner-harness.js';

t.test('canary then batches through the planner; the prior set retired, its capacity back', async (t) => {
  const h = await PlannerHarness.open({ hosts: [{ name: 'h1', vcpus: 8, memoryMib: 4096 }] });
  t.teardown(() => h.close());
  const prior = await h.createSet({ name: 'web', count: 3 });
  await h.reportAll(prior, 'running');
  const populated: number[] = [];
  let record: ManagementRecord | undefined;
  const mgmt: Management = {
    begin: async (target, _scope, opts) => {
      const vm = (await h.vmsOf(prior)).find((v) => v.id === (target as { vmId: string }).vmId)!;
      record = {
        tokenId: '01J00000000000000000000TOK',
        tenant: vm.tenant,
        vmId: vm.id,
        setId: prior,
        tokenSha256: 'x',
        live: true,
        createdUnixMs: 0,
        endedUnixMs: 0,
        configVersion: 0,
        changes: [],
        cycleId: opts?.cycleId ?? '',
        parentImageId: '',
      };
      await h.store.batch([
        put(MGMT_TOKENS, record.tokenId, record),
        put(MGMT_BY_SET, indexKey(prior, record.tokenId), ''),
      ]);
      return { token: 'secret', record, vm };
    },
    configure: async () => ({ ...record!, configVersion: 1 }),
    capture: async () => ({ id: '01J0000000000000000000IMG1', sizeBytes: 10 }) as never,
    end: async () => {
      await h.store.batch([put(MGMT_TOKENS, record!.tokenId, { ...record!, live: false })]);
      return { record: record!, vm: (await h.vmsOf(prior))[0]! };
    },
    endById: async () => {},
    populate: async (imageId, count, request) => {
      populated.push(count);
      // The shipped guest stands in for the image's base here; the set-by-image index as PopulateSet writes it.
      const r = await h.planner.create({ ...request, spec: { ...request.spec, image: 'busybox' } }, request.tenant);
      await h.store.batch([put(SETS_BY_IMAGE, indexKey(imageId, r.set.id), '')]);
      return { setId: r.set.id };
    },
    probe: async () => ({ ok: true, status: 200, detail: 'ok' }),
  };
  const d = { store: h.store, events: h.events, clock: h.clock, log: silentLogger, mgmt };
  const runner = new CycleRunner({ ...d, sets: plannerSets(h.store, h.planner, h.vms) });
  const service = new CycleService({ ...d, sets: plannerSets(h.store, h.planner, h.vms) }, runner);
  let done: CycleRecord | undefined;
  runner.onChange = (c) => (done = c.state === 'running' ? undefined : c);
  const opts = { maxParallel: 2, canary: 1, healthTimeoutS: 60, autoRevert: true, healthPath: '/', healthExpect: '' };
  const changes = { config: { title: 'new' }, files: [], applianceVersion: '', vcpus: 0, memoryMib: 0, diskGib: 0 };
  const started = await service.start(prior, changes, opts, 'default');
  for (let i = 0; i < 200 && !done; i++) {
    // The hosts: new VMs come up, retired ones go.
    const c = (await service.get(started.id, undefined)).cycle;
    if (c.newSetId) await h.reportAll(c.newSetId, 'running');
    await h.destroyRetired();
    await h.advance(500);
  }
  t.equal(done?.state, 'succeeded', done?.reason ?? 'not finished');
  t.same(populated, [1], 'populated once, with the canary');
  const fresh = await h.set(done!.newSetId);
  t.equal(fresh.count, 3, 'then scaled by the planner to the prior count');
  t.equal((await h.vmsOf(done!.newSetId)).filter((v) => v.state === 'running').length, 3);
  t.equal(fresh.request.spec.config.title, 'new', 'the changes in the revised request');
  await h.destroyRetired();
  await h.idle();
  t.equal((await h.set(prior)).state, 'retired', 'the prior set retired');
  t.equal(h.planner.fleet.slot(h.ids[0]!)?.vms, 3, 'only the revised set holds capacity');
});
