// Management instances over the planner harness, with in-memory fakes of the
// image store and the agent (controller/tokens/ports.ts seams): a capture
// registers an image in one batch with the end of its capture record, a failed
// or abandoned one registers nothing; the managed VM is never scaled away; a
// revoked image gives no clones. And the agent command hub on its own.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { put, type Op } from '../../common/store/index.js';
import { FailedPreconditionError, NotFoundError } from '../../common/errors.js';
import { ulid } from '../../common/ids.js';
import type { AgentCommand__Output } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { CommandResult__Output } from '../../common/gen/nephele/v1/CommandResult.js';
import {
  CAPTURES,
  IMAGES,
  IMAGES_BY_TENANT,
  SETS_BY_IMAGE,
  indexKey,
  type ImageRecord,
} from '../../controller/model/index.js';
import type { AgentCommands, CapturedImage, ImageStore, StagedBlob } from '../../controller/tokens/ports.js';
import { ManagementService } from '../../controller/tokens/service-impl.js';
import { AgentCommandHub } from '../../controller/tokens/commands.js';
import { resolveBase } from '../../controller/tokens/clones.js';
import { configurationTable } from '../../controller/tokens/table.js';
import { DEFAULT_TENANT } from '../../controller/tenancy/tenants.js';
import { PlannerHarness } from '../helpers/planner-harness.js';
import { fakeGuests } from '../helpers/fake-agent.js';

/** An image store in memory: uploads "arrive" when the fake agent captures. */
function memoryImages(h: PlannerHarness) {
  const waiting = new Map<string, (b: StagedBlob) => void>();
  const discarded: string[] = [];
  const store: ImageStore = {
    async get(id, scope) {
      const r = await h.store.get<ImageRecord>(IMAGES, id);
      if (!r || (scope !== undefined && r.value.tenant !== scope)) throw new NotFoundError('image');
      return { image: r.value, version: r.version };
    },
    async refForClone(id, scope, field) {
      const { image } = await store.get(id, scope);
      if (image.state === 'revoked') throw new FailedPreconditionError(`${field} names a revoked image`);
      return {
        image,
        ref: { imageId: id, sha256: image.sha256, sizeBytes: image.sizeBytes, format: image.format, bootImage: '' },
      };
    },
    expectUpload: (id) => new Promise((resolve) => waiting.set(id, resolve)),
    discardUpload: (id) => void discarded.push(id),
    async registerCaptured(c: CapturedImage, blob: StagedBlob, extraOps: Op[]) {
      const image: ImageRecord = {
        ...c,
        id: ulid(h.clock.now()),
        sha256: blob.sha256,
        sizeBytes: blob.sizeBytes,
        spec: { ...c.spec },
        createdUnixMs: h.clock.now(),
        state: 'active',
        revokedUnixMs: 0,
        revokeReason: '',
      };
      image.spec.image = image.id;
      await h.store.batch([
        put(IMAGES, image.id, image),
        put(IMAGES_BY_TENANT, indexKey(image.tenant, image.id), ''),
        ...extraOps,
      ]);
      return image;
    },
  };
  return { store, waiting, discarded };
}

async function setup(t: Test, capture: 'ok' | 'fail' = 'ok') {
  const h = await PlannerHarness.open({ hosts: [{ name: 'a', vcpus: 16 }] });
  const images = memoryImages(h);
  const guests = fakeGuests();
  const commands: AgentCommands = {
    async run(_host, cmd) {
      const c = cmd as AgentCommand__Output;
      if (!c.capture) return guests.answer(c) as CommandResult__Output;
      guests.commands.push(c);
      if (capture === 'fail') return { commandId: c.commandId, ok: false, error: 'disk full' } as CommandResult__Output;
      const sha256 = createHash('sha256').update('disk').digest('hex');
      images.waiting.get(c.capture.transferId)!({ path: '/staged', sha256, sizeBytes: 4 });
      return {
        commandId: c.commandId,
        ok: true,
        sha256,
        sizeBytes: 4,
        format: 'IMAGE_FORMAT_TAR',
      } as CommandResult__Output;
    },
  };
  const mgmt = new ManagementService({
    store: h.store,
    events: h.events,
    clock: h.clock,
    log: silentLogger,
    vms: h.vms,
    images: images.store,
    commands,
    push: () => {},
    createSet: (req, tenant) => h.planner.create(req, tenant),
  });
  const setId = await h.createSet({ count: 2, name: 'web' });
  await h.reportAll(setId, 'running');
  t.teardown(() => h.scheduler.stop());
  return { h, images, guests, mgmt, setId };
}

t.test(
  'capture: an image with the token id and the configured spec, its capture record gone in the same batch',
  async (t) => {
    const { h, mgmt, setId, guests, images } = await setup(t);
    const { token, record } = await mgmt.begin({ setId }, DEFAULT_TENANT);
    await mgmt.configure(
      token,
      { config: { title: 'Hello' }, files: [], applianceVersion: '2.0', vcpus: 2, memoryMib: 0, diskGib: 0 },
      DEFAULT_TENANT,
    );
    const image = await mgmt.capture(token, '', DEFAULT_TENANT);
    t.equal(image.tokenId, record.tokenId);
    t.equal(image.parentImageId, '', 'captured from the shipped guest');
    t.equal(image.format, 'tar');
    t.equal(image.spec.vcpus, 2, 'future clones get the configured spec');
    t.equal(image.spec.config.title, 'Hello');
    t.equal(image.manifest.appliance_version, '2.0');
    t.equal(image.name, 'web-v1');
    for await (const _ of h.store.scan(CAPTURES)) t.fail('no capture record is left');
    t.ok(
      guests.commands.some((c) => c.capture),
      'the capture command went to the agent',
    );

    // The set's configuration table: its (live) token, and the image captured from it in its history.
    const tbl = await configurationTable(
      { store: h.store, hosts: h.hosts, images: images.store },
      setId,
      DEFAULT_TENANT,
    );
    t.match(tbl, { tokenId: record.tokenId, tokenLive: true, imageId: '' });
    t.same(
      tbl.images.map((i) => [i.imageId, i.tokenId, i.configVersion]),
      [[image.id, record.tokenId, 1]],
    );
    t.equal(tbl.members.filter((m) => m.management).length, 1);

    // Clones of it: spec.base is set by the controller, the set indexed by image.
    const { setId: clones } = await mgmt.populate(image.id, 3, undefined, DEFAULT_TENANT);
    const vms = await h.vmsOf(clones);
    t.equal(vms.length, 3);
    t.ok(
      vms.every((v) => v.spec.base?.imageId === image.id && v.spec.base.sha256 === image.sha256),
      'linked clones of the image',
    );
    t.ok(await h.store.get(SETS_BY_IMAGE, indexKey(image.id, clones)), 'SETS_BY_IMAGE written with the set');
    await t.rejects(
      mgmt.populate(image.id, 1, undefined, 'other-tenant'),
      { code: 'NOT_FOUND' },
      "another tenant's image",
    );

    // BeginManagement(image): a new one-VM set of it, managed once its VM runs; a capture of it names the image as parent.
    let done = false;
    const begun = mgmt.begin({ imageId: image.id }, DEFAULT_TENANT).finally(() => (done = true));
    while (!done) {
      for await (const { key } of h.store.scan(SETS_BY_IMAGE, { prefix: `${image.id}\x00` }))
        await h.reportAll(key.split('\x00')[1]!, 'running');
      await h.advance(250);
    }
    const m = await begun;
    t.equal(m.vm.spec.base?.imageId, image.id, 'the instance is a clone of the image');
    t.equal(m.record.parentImageId, image.id, 'its captures will name the image as parent');
    t.not(m.vm.setId, clones, 'in a set of its own');
    await mgmt.end(m.token, DEFAULT_TENANT);

    // A revoked image: no new clones, naming the field.
    await h.store.batch([put(IMAGES, image.id, { ...image, state: 'revoked' })]);
    await t.rejects(mgmt.populate(image.id, 1, undefined, DEFAULT_TENANT), {
      code: 'FAILED_PRECONDITION',
      message: /image_id/,
    });
    await t.rejects(
      resolveBase((await setup2(h)).images, { ...vms[0]!.spec, image: image.id }, undefined, 'set.spec'),
      {
        message: /set\.spec\.image/,
      },
    );

    await mgmt.end(token, DEFAULT_TENANT);
    await t.rejects(
      mgmt.capture(token, '', DEFAULT_TENANT),
      { code: 'FAILED_PRECONDITION', message: /^token/ },
      'a used token',
    );
  },
);

async function setup2(h: PlannerHarness) {
  return { images: memoryImages(h).store };
}

t.test('a failed capture registers nothing; the instance stays managed and usable', async (t) => {
  const { h, mgmt, setId, images } = await setup(t, 'fail');
  const { token, vm } = await mgmt.begin({ setId }, DEFAULT_TENANT);
  await t.rejects(mgmt.capture(token, 'x', DEFAULT_TENANT), { code: 'FAILED_PRECONDITION', message: /disk full/ });
  for await (const _ of h.store.scan(IMAGES)) t.fail('no image');
  for await (const _ of h.store.scan(CAPTURES)) t.fail('no capture record');
  t.equal(images.discarded.length, 1, 'the staged upload was dropped');
  t.equal((await h.vms.get(vm.id)).vm.managed !== undefined, true, 'still a management instance');
  const ev = (await h.events.list(0, 1000)).events.map((e) => e.type);
  t.ok(ev.includes('image.capture_failed'));
  await mgmt.end(token, DEFAULT_TENANT);
});

t.test('a capture left by a controller restart is failed at start: nothing registered', async (t) => {
  const { h, mgmt } = await setup(t);
  await h.store.batch([
    put(CAPTURES, 'T1', {
      transferId: 'T1',
      tokenId: 't',
      vmId: 'v',
      hostId: 'h',
      tenant: DEFAULT_TENANT,
      name: '',
      startedUnixMs: 0,
    }),
  ]);
  t.equal(await mgmt.captures.recover(), 1);
  for await (const _ of h.store.scan(CAPTURES)) t.fail('no capture record');
  for await (const _ of h.store.scan(IMAGES)) t.fail('no image');
});

t.test('the managed VM is out of the counts, never scaled away or replaced', async (t) => {
  const { h, mgmt, setId } = await setup(t);
  const { vm } = await mgmt.begin(
    { vmId: (await h.vmsOf(setId)).sort((a, b) => (a.id < b.id ? 1 : -1))[0]!.id },
    DEFAULT_TENANT,
  );
  const view = await h.planner.view(setId);
  t.equal(view.placed, 1, 'placed excludes it');
  await h.planner.startOrRetry(setId);
  await h.idle();
  t.equal((await h.vmsOf(setId)).length, 2, 'no replacement for it');
  await h.planner.scale(setId, 1, undefined);
  await h.idle();
  const left = (await h.vmsOf(setId)).filter((v) => v.desired !== 'destroyed').map((v) => v.id);
  t.same(left, [vm.id], 'scale-down retired the other (newest-first would have picked it)');
  t.same(await mgmt.probe(vm.id, { path: '/health', expect: '', timeoutMs: 1000 }), {
    ok: true,
    status: 200,
    detail: 'ok',
  });
  // endById (the update cycle's way after a restart): idempotent, and the VM counts again.
  await t.rejects(mgmt.instances.pick({ vmId: vm.id }, DEFAULT_TENANT), {
    code: 'FAILED_PRECONDITION',
    message: /^vm_id/,
  });
  const tokenId = (await h.vms.get(vm.id)).vm.managed!;
  await mgmt.endById(tokenId);
  await mgmt.endById(tokenId);
  t.notOk((await h.vms.get(vm.id)).vm.managed, 'no longer managed');
  t.equal((await h.planner.view(setId)).placed, 1, 'counted again (the set was scaled to 1)');
});

t.test('agent command hub: answers by command id from its host only, deadline, disconnect, bound', async (t) => {
  const clock = new FakeClock();
  const sent: string[] = [];
  const hub = new AgentCommandHub((h, m) => (sent.push(`${h}:${m.command?.commandId}`), h !== 'gone'), clock, 2);
  const a = hub.run('h1', { commandId: 'c1', tokenCheck: {} }, 1000);
  t.equal(hub.run('h1', { commandId: 'c1', tokenCheck: {} }, 1000), a, 'the same command again: one answer');
  hub.result('h2', { commandId: 'c1', ok: true } as CommandResult__Output);
  hub.result('h1', { commandId: 'c1', ok: true, tokenSha256: 'x' } as CommandResult__Output);
  t.equal((await a).tokenSha256, 'x', 'only its host answers it');
  await t.rejects(hub.run('gone', { commandId: 'c2' }, 1000), { code: 'UNAVAILABLE' });
  const late = hub.run('h1', { commandId: 'c3' }, 1000);
  clock.advance(1001);
  await t.rejects(late, { code: 'DEADLINE_EXCEEDED' });
  const cut = hub.run('h1', { commandId: 'c4' }, 1000);
  hub.run('h1', { commandId: 'c5' }, 1000).catch(() => {});
  await t.rejects(hub.run('h1', { commandId: 'c6' }, 1000), { code: 'RESOURCE_EXHAUSTED' }, 'bounded');
  hub.closed('h1');
  await t.rejects(cut, { code: 'UNAVAILABLE' });
  t.equal(hub.inFlight, 0);
});
