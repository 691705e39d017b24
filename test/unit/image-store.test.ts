// The image store's ports and pieces without a controller (issue 13): a
// capture's upload is taken only from the host expected and only while
// expected; a hostile capture or a failed upload fails the capture at once and
// leaves no file; registerCaptured writes record, indexes, quota and the
// caller's ops in one batch (or nothing, and no blob); revocation (now, later)
// stops clones, flags running descendants and retires their sets; lineage;
// the start-up sweep; FetchImage only for a base a VM of the host is cloned from.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { put } from '../../common/store/index.js';
import { ulid } from '../../common/ids.js';
import { EventLog } from '../../controller/events/log.js';
import { Tenants, TENANTS } from '../../controller/tenancy/tenants.js';
import { openImageStore } from '../../controller/images/index.js';
import { revokeImage } from '../../controller/images/revoke.js';
import { family } from '../../controller/images/lineage.js';
import { hostNeeds } from '../../controller/images/fetch.js';
import { IMAGES, SETS_BY_IMAGE, indexKey, type ImageRecord } from '../../controller/model/image.js';
import { SETS, VMS_BY_SET } from '../../controller/planner/sets.js';
import { VMS, VMS_BY_HOST } from '../../controller/vms/registry.js';
import type { CapturedImage } from '../../controller/tokens/ports.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { tmpDir } from '../helpers/tmp.js';

const HOST = '01HZZZZZZZZZZZZZZZZZZZZZZA';
const OTHER = '01HZZZZZZZZZZZZZZZZZZZZZZB';

/** A one-entry ustar file (enough for the format sniff; the tar inspector is faked). */
function tarBytes(): Buffer {
  const b = Buffer.alloc(1024 + 512);
  b.write('app/config.json', 0);
  b.write('ustar', 257, 'latin1');
  return b;
}

/** A client stream as grpc-js gives it to a handler. */
class FakeCall extends EventEmitter {
  pause() {}
  resume() {}
  send(data: Buffer, transferId: string, o: { sha?: string; last?: boolean } = {}) {
    const sha = createHash('sha256').update(data).digest('hex');
    this.emit('data', { transferId, data, offset: 0, last: o.last ?? true, sha256: o.sha ?? sha });
  }
}

async function setup(t: Test, o: { tarProblems?: string[]; quota?: number } = {}) {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const events = await EventLog.open(store, clock, silentLogger);
  const tenants = new Tenants(store, events, clock);
  await tenants.create('acme', '', { vcpus: 0, memoryBytes: 0, vms: 0, images: o.quota ?? 0 });
  const dataDir = tmpDir();
  const parts = await openImageStore({
    dataDir,
    store,
    events,
    clock,
    tenants,
    log: silentLogger,
    idleMs: 5_000,
    maxBytes: 1024 * 1024,
    inspectTar: () => ({ problems: o.tarProblems ?? [] }),
  });
  t.teardown(() => undefined);
  const captured = (over: Partial<CapturedImage> = {}): CapturedImage => ({
    name: 'web',
    tenant: 'acme',
    scheme: 'process',
    format: 'tar',
    spec: { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1, image: 'x', appliancePort: 8080, config: {} },
    manifest: {},
    parentImageId: '',
    tokenId: ulid(),
    setId: ulid(),
    sourceVmId: ulid(),
    configVersion: 1,
    ...over,
  });
  /** Expects a capture from HOST and uploads `data` to it; resolves both sides. */
  const capture = async (data = tarBytes(), from = HOST) => {
    const id = ulid();
    const waiting = parts.images.expectUpload(id, HOST, 60_000);
    const call = new FakeCall();
    const put = parts.captures.receive(call, from);
    call.send(data, id);
    return { id, waiting, put };
  };
  const staged = () => readdirSync(parts.blobs.staging);
  return { store, clock, events, tenants, parts, dataDir, captured, capture, staged };
}

t.test('a capture upload is registered in one batch with the caller ops', async (t) => {
  const s = await setup(t);
  const { waiting, put: sent } = await s.capture();
  const blob = await waiting;
  t.same(await sent, blob, 'PutImage answers with what was staged');
  const rec = await s.parts.images.registerCaptured(s.captured(), blob, [put('test-extra', 'k', { ok: true })]);
  t.match(rec, { state: 'active', format: 'tar', sha256: blob.sha256, spec: { image: rec.id } });
  t.ok(await s.store.get('test-extra', 'k'), "the caller's op is in the batch");
  t.ok(existsSync(s.parts.blobs.path(blob.sha256)), 'the blob is in its content address');
  t.same(s.staged(), []);
  t.equal((await s.store.get<{ usage: { images: number } }>(TENANTS, 'acme'))!.value.usage.images, 1, 'quota charged');
  const { ref } = await s.parts.images.refForClone(rec.id, 'acme', 'spec.image');
  t.same(ref, { imageId: rec.id, sha256: blob.sha256, sizeBytes: blob.sizeBytes, format: 'tar', bootImage: '' });
  await t.rejects(s.parts.images.get(rec.id, 'other'), { code: 'NOT_FOUND' }, "another tenant's image does not exist");
});

t.test('only the expected host may upload, once; a refused sender does not fail the capture', async (t) => {
  const s = await setup(t);
  const id = ulid();
  const waiting = s.parts.images.expectUpload(id, HOST, 60_000);
  const thief = new FakeCall();
  const stolen = s.parts.captures.receive(thief, OTHER);
  thief.send(tarBytes(), id);
  await t.rejects(stolen, { code: 'PERMISSION_DENIED' });
  const unknown = new FakeCall();
  const u = s.parts.captures.receive(unknown, HOST);
  unknown.send(tarBytes(), ulid());
  await t.rejects(u, { code: 'NOT_FOUND' });
  const real = new FakeCall();
  const ok = s.parts.captures.receive(real, HOST);
  real.send(tarBytes(), id);
  await ok;
  t.ok(await waiting, 'the real upload still lands');
  const again = new FakeCall();
  const twice = s.parts.captures.receive(again, HOST);
  again.send(tarBytes(), id);
  await t.rejects(twice, { code: 'NOT_FOUND' }, 'a transfer is taken once');
});

t.test('a hostile or broken capture fails the capture at once, leaving nothing staged', async (t) => {
  const s = await setup(t, { tarProblems: ['entry "../../etc/passwd" leaves the directory'] });
  const bad = await s.capture();
  await t.rejects(bad.put, { code: 'INVALID_ARGUMENT', message: /etc\/passwd/ });
  await t.rejects(bad.waiting, { code: 'INVALID_ARGUMENT' }, 'the waiter fails with the upload');
  t.same(s.staged(), []);

  const s2 = await setup(t);
  const id = ulid();
  const waiting = s2.parts.images.expectUpload(id, HOST, 60_000);
  const call = new FakeCall();
  const p = s2.parts.captures.receive(call, HOST);
  call.send(tarBytes(), id, { sha: '0'.repeat(64) });
  await t.rejects(p, { code: 'INVALID_ARGUMENT', message: /^sha256/ });
  await t.rejects(waiting, { code: 'INVALID_ARGUMENT' });
  const id2 = ulid();
  const w2 = s2.parts.images.expectUpload(id2, HOST, 60_000);
  const cut = new FakeCall();
  const p2 = s2.parts.captures.receive(cut, HOST);
  cut.send(tarBytes(), id2, { last: false });
  cut.emit('end');
  await t.rejects(p2, { code: 'INVALID_ARGUMENT', message: /^last/ }, 'a truncated upload');
  await t.rejects(w2);
  const id3 = ulid();
  const w3 = s2.parts.images.expectUpload(id3, HOST, 60_000);
  const slow = new FakeCall();
  const p3 = s2.parts.captures.receive(slow, HOST);
  slow.send(tarBytes().subarray(0, 512), id3, { last: false });
  await new Promise((r) => setImmediate(r));
  s2.clock.advance(5_000);
  await t.rejects(p3, { code: 'DEADLINE_EXCEEDED' }, 'a sender that goes quiet is cut off');
  await t.rejects(w3);
  const id4 = ulid();
  const w4 = s2.parts.images.expectUpload(id4, HOST, 10 * 60_000);
  const w4failed = t.rejects(w4, { code: 'DEADLINE_EXCEEDED' }, 'the capture fails with it');
  const trickle = new FakeCall();
  const p4 = s2.parts.captures.receive(trickle, HOST);
  trickle.send(Buffer.from('x'), id4, { last: false });
  // A byte before every idle timeout: never quiet for long, but far under the minimum rate.
  let stopped = false;
  p4.catch(() => (stopped = true));
  for (let i = 1; i < 100 && !stopped; i++) {
    await new Promise((r) => setImmediate(r));
    s2.clock.advance(4_000);
    trickle.emit('data', { transferId: id4, data: Buffer.from('x'), offset: i, last: false });
  }
  await t.rejects(p4, { code: 'DEADLINE_EXCEEDED', message: /too slow/ }, 'a trickling sender is cut off');
  await w4failed;
  t.same(s2.staged(), []);
});

t.test('an upload that never comes: expectUpload rejects after its timeout; discard is idempotent', async (t) => {
  const s = await setup(t);
  const id = ulid();
  const w = s.parts.images.expectUpload(id, HOST, 1_000);
  s.clock.advance(1_000);
  await t.rejects(w, { code: 'DEADLINE_EXCEEDED' });
  s.parts.images.discardUpload(id);
  s.parts.images.discardUpload(id);
  const call = new FakeCall();
  const late = s.parts.captures.receive(call, HOST);
  call.send(tarBytes(), id);
  await t.rejects(late, { code: 'NOT_FOUND' }, 'a late upload is refused');
});

t.test('over quota: no record, no blob, the caller ops not written', async (t) => {
  const s = await setup(t, { quota: 1 });
  const one = await s.capture();
  await s.parts.images.registerCaptured(s.captured(), await one.waiting, []);
  const data = Buffer.concat([tarBytes(), Buffer.from('different')]);
  const two = await s.capture(data);
  const blob = await two.waiting;
  await t.rejects(s.parts.images.registerCaptured(s.captured(), blob, [put('test-extra', 'k', 1)]), {
    code: 'RESOURCE_EXHAUSTED',
  });
  t.notOk(await s.store.get('test-extra', 'k'));
  t.notOk(existsSync(s.parts.blobs.path(blob.sha256)), 'the blob went with the failed batch');
  let n = 0;
  for await (const _ of s.store.scan(IMAGES)) n++;
  t.equal(n, 1);
});

t.test('revocation: now or later; descendants flagged and their sets retired; lineage', async (t) => {
  const s = await setup(t);
  const reg = async (parentImageId = '', data = tarBytes()) => {
    const c = await s.capture(data);
    return s.parts.images.registerCaptured(s.captured({ parentImageId }), await c.waiting, []);
  };
  const root = await reg();
  const child = await reg(root.id, Buffer.concat([tarBytes(), Buffer.from('child')]));
  const setId = ulid();
  const vmId = ulid();
  await s.store.batch([
    put(SETS, setId, { id: setId, tenant: 'acme', state: 'placed' }),
    put(SETS_BY_IMAGE, indexKey(child.id, setId), ''),
    put(VMS_BY_SET, `${setId}/${vmId}`, 1),
    put(VMS, vmId, {
      id: vmId,
      hostId: HOST,
      state: 'running',
      desired: 'running',
      spec: { base: { sha256: child.sha256 } },
    }),
    put(VMS_BY_HOST, `${HOST}/${vmId}`, 1),
  ]);
  const nodes = await family(s.store, root.id, 'acme', s.clock.now());
  t.same(
    nodes.map((n) => [n.image.id, n.depth, n.setIds, n.childIds]),
    [
      [root.id, 0, [], [child.id]],
      [child.id, 1, [setId], []],
    ],
  );
  t.ok(await hostNeeds(s.store, HOST, child.sha256), 'the host of a clone may fetch its base');
  t.notOk(await hostNeeds(s.store, OTHER, child.sha256), 'another host may not');
  t.notOk(await hostNeeds(s.store, HOST, root.sha256), 'nor a base no VM there is cloned from');

  const retired: string[] = [];
  const d = {
    store: s.store,
    events: s.events,
    clock: s.clock,
    images: s.parts.images,
    log: silentLogger,
    retireSet: async (id: string) => void retired.push(id),
  };
  const later = s.clock.now() + 60_000;
  await t.rejects(revokeImage(d, { imageId: root.id, atUnixMs: later, reason: '', retireDescendants: true }, 'acme'), {
    code: 'INVALID_ARGUMENT',
    message: /^retire_descendants/,
  });
  const sched = await revokeImage(
    d,
    { imageId: root.id, atUnixMs: later, reason: 'eol', retireDescendants: false },
    'acme',
  );
  t.equal(sched.image.state, 'active', 'scheduled, not yet in force');
  t.ok(await s.parts.images.refForClone(root.id, 'acme', 'spec.image'));
  s.clock.advance(60_000);
  await t.rejects(s.parts.images.refForClone(root.id, 'acme', 'spec.image'), {
    code: 'FAILED_PRECONDITION',
    message: /^spec\.image: /,
  });
  const r = await revokeImage(d, { imageId: child.id, atUnixMs: 0, reason: 'cve', retireDescendants: true }, 'acme');
  t.same(r.flaggedVmIds, [vmId]);
  t.same(r.retiredSetIds, [setId]);
  t.same(retired, [setId]);
  t.equal((await s.store.get<ImageRecord>(IMAGES, child.id))!.value.state, 'revoked');
  await t.rejects(revokeImage(d, { imageId: child.id, atUnixMs: 0, reason: '', retireDescendants: false }, 'other'), {
    code: 'NOT_FOUND',
  });
});

t.test('the start-up sweep drops staged files and blobs no record names', async (t) => {
  const s = await setup(t);
  const c = await s.capture();
  const rec = await s.parts.images.registerCaptured(s.captured(), await c.waiting, []);
  writeFileSync(join(s.parts.blobs.staging, 'half.part'), 'x');
  const orphan = 'f'.repeat(64);
  writeFileSync(join(s.parts.blobs.dir, orphan), 'x');
  const again = await openImageStore({
    dataDir: s.dataDir,
    store: s.store,
    events: s.events,
    clock: s.clock,
    tenants: s.tenants,
    log: silentLogger,
  });
  t.same(readdirSync(again.blobs.staging), []);
  t.notOk(existsSync(join(again.blobs.dir, orphan)));
  t.ok(existsSync(again.blobs.path(rec.sha256)), 'a named blob stays');
});
