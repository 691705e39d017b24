// The agent's outbox: durable, in order, sequence numbers never reused.
import t from 'tap';
import { join } from 'node:path';
import { cpSync, rmSync } from 'node:fs';
import { Outbox } from '../../agent/outbox.js';
import { LevelStore } from '../../common/store/index.js';
import { tmpDir } from '../helpers/tmp.js';

const ev = (type: string) => ({
  type,
  timeUnixMs: 1_700_000_000_000,
  severity: 'info',
  message: `${type}!`,
  attributes: { k: type },
});
const seqsOf = (xs: { seq?: unknown }[]) => xs.map((x) => Number(x.seq));

t.test('add assigns increasing seqs; pending(after); ack(seq)', async (t) => {
  const s = await LevelStore.open(join(tmpDir('nephele-outbox-'), 'db'));
  t.teardown(() => s.close());
  const o = await Outbox.open(s);
  t.same(await o.pending(0), []);
  const a = await o.add(ev('a'));
  t.same(a, { ...ev('a'), seq: 1, epoch: o.epoch }, "add returns the event with its seq and this run's epoch");
  for (const x of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']) await o.add(ev(x)); // seqs 2..11: crosses 9 → 10
  t.equal(await o.size(), 11);

  const all = await o.pending(0);
  t.same(seqsOf(all), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'in seq order');
  t.same(all[0], { ...ev('a'), seq: 1, epoch: o.epoch }, 'stored whole');
  t.same(seqsOf(await o.pending(3)), [4, 5, 6, 7, 8, 9, 10, 11], 'pending(after) is exclusive');
  t.same(seqsOf(await o.pending(11)), []);

  t.equal(await o.ack(3), 3, 'ack drops ≤ seq');
  t.same(seqsOf(await o.pending(0)), [4, 5, 6, 7, 8, 9, 10, 11]);
  t.equal(await o.ack(3), 0, 'acking again drops nothing');
  t.equal(await o.ack(1), 0, 'acking an older seq drops nothing');
  t.equal(await o.ack(10), 7);
  t.same(seqsOf(await o.pending(0)), [11]);
  t.equal(await o.ack(0), 0);
  t.equal(await o.size(), 1);
});

t.test('concurrent adds get unique, dense seqs', async (t) => {
  const s = await LevelStore.open(join(tmpDir('nephele-outbox-'), 'db'));
  t.teardown(() => s.close());
  const o = await Outbox.open(s);
  const got = await Promise.all(Array.from({ length: 50 }, (_, i) => o.add(ev(`e${i}`))));
  t.same(
    seqsOf(got),
    Array.from({ length: 50 }, (_, i) => i + 1),
    'in call order',
  );
  t.same(
    seqsOf(await o.pending(0)),
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  // Acks interleaved with adds never drop an unacked event.
  await Promise.all([o.ack(25), o.add(ev('late')), o.ack(50)]);
  t.same(seqsOf(await o.pending(0)), [51]);
});

t.test('seqs persist across reopen and are never reused, even when everything was acked', async (t) => {
  const path = join(tmpDir('nephele-outbox-'), 'db');
  {
    const s = await LevelStore.open(path);
    const o = await Outbox.open(s);
    for (let i = 0; i < 5; i++) await o.add(ev(`e${i}`));
    await o.ack(2);
    await s.close();
  }
  {
    const s = await LevelStore.open(path);
    const o = await Outbox.open(s);
    t.same(seqsOf(await o.pending(0)), [3, 4, 5], 'unacked events survive a restart');
    t.equal((await o.add(ev('x'))).seq, 6, 'numbering continues');
    t.equal(await o.ack(6), 4);
    t.equal(await o.size(), 0, 'everything acked');
    await s.close();
  }
  {
    const s = await LevelStore.open(path);
    t.teardown(() => s.close());
    const o = await Outbox.open(s);
    t.equal(await o.size(), 0);
    t.equal((await o.add(ev('y'))).seq, 7, 'empty outbox after reopen: seq still not reused');
    t.same(seqsOf(await o.pending(6)), [7]);
  }
});

// Finding 9: an agent whose state went back (restored from a backup) must not
// have its new reports taken for resends the controller already has.
const vmr = (vmId: string) => ({
  vmId,
  state: 'VM_STATE_RUNNING' as const,
  reason: 'ok',
  generation: 1,
  hostPort: 0,
  guestReady: true,
  timeUnixMs: 1,
  taskDone: false,
});

t.test('reconcile: normal reconnect drops what the controller has and keeps the rest as is', async (t) => {
  const s = await LevelStore.open(join(tmpDir('nephele-outbox-'), 'db'));
  t.teardown(() => s.close());
  const o = await Outbox.open(s);
  for (let i = 0; i < 5; i++) await o.add(ev(`e${i}`));
  const r = await o.reconcile(3, [{ epoch: o.epoch, seq: 3 }]);
  t.same(r, { delivered: 3, renumbered: 0 }, 'nothing moved');
  t.same(seqsOf(await o.pending(0)), [4, 5]);
  t.equal((await o.add(ev('x'))).seq, 6, 'numbering continues');
  // An older controller sends no epochs: its seq alone decides.
  t.same(await o.reconcile(4, []), { delivered: 1, renumbered: 0 });
  t.same(seqsOf(await o.pending(0)), [5, 6]);
});

t.test('reconcile: restored from a backup, the outbox moves past the controller', async (t) => {
  const dir = tmpDir('nephele-outbox-');
  const path = join(dir, 'db');
  const backup = join(dir, 'backup');
  let oldEpoch: string;
  {
    // The backed-up run: seqs 1-2 acked, 3 still buffered when the backup was taken.
    const s = await LevelStore.open(path);
    const o = await Outbox.open(s);
    oldEpoch = o.epoch;
    for (let i = 0; i < 3; i++) await o.add(ev(`old${i}`));
    await o.ack(2);
    await s.close();
    cpSync(path, backup, { recursive: true });
  }
  // (The original agent went on to seq 9, all stored by the controller, under two runs.)
  const controller = {
    durable: 9,
    epochs: [
      { epoch: oldEpoch, seq: 5 },
      { epoch: 'a1b2c3d4e5f60708', seq: 9 },
    ],
  };
  rmSync(path, { recursive: true });
  cpSync(backup, path, { recursive: true });
  const s = await LevelStore.open(path);
  t.teardown(() => s.close());
  const o = await Outbox.open(s);
  t.not(o.epoch, oldEpoch, 'a new run has a new epoch');
  // Made while the controller was away: these collide with seqs it already has.
  await o.add(ev('new0'));
  await o.addVmStatus(vmr('01HZZZZZZZZZZZZZZZZZZZZZZZ'));
  t.same(seqsOf(await o.pending(0)), [3, 4, 5], 'seq 3 from the backup, 4-5 new');

  const r = await o.reconcile(controller.durable, controller.epochs);
  t.same(
    r,
    { delivered: 1, renumbered: 2, fastForwardedFrom: 5 },
    'the backed-up entry was delivered; the new ones move',
  );
  const pend = await o.pendingMessages(controller.durable);
  t.same(
    pend.map((p) => p.seq),
    [10, 11],
    'new reports now lie past the controller, in their order',
  );
  t.equal(pend[0]!.msg.event?.type, 'new0');
  t.equal(Number(pend[1]!.msg.vmStatus?.seq), 11, 'a VM report carries its new seq');
  t.equal((await o.add(ev('after'))).seq, 12, 'numbering continues past the controller');
  t.same(
    await o.reconcile(12, [...controller.epochs, { epoch: o.epoch, seq: 12 }]),
    { delivered: 3, renumbered: 0 },
    'then all is normal',
  );
});

t.test('reconcile: restored with nothing buffered still jumps past the controller', async (t) => {
  const s = await LevelStore.open(join(tmpDir('nephele-outbox-'), 'db'));
  t.teardown(() => s.close());
  const o = await Outbox.open(s);
  await o.add(ev('a'));
  await o.ack(1);
  t.same(await o.reconcile(40, [{ epoch: 'ffffffffffffffff', seq: 40 }]), {
    delivered: 0,
    renumbered: 0,
    fastForwardedFrom: 1,
  });
  t.equal((await o.add(ev('b'))).seq, 41, 'the next report is new to the controller');
});

t.test('reconcile: entries the controller never stored stay, even below its seq, and keep their order', async (t) => {
  const s = await LevelStore.open(join(tmpDir('nephele-outbox-'), 'db'));
  t.teardown(() => s.close());
  const o = await Outbox.open(s);
  for (let i = 0; i < 4; i++) await o.add(ev(`e${i}`)); // 1..4
  // The controller stored this run up to 2 and, from another lineage, up to 6.
  const r = await o.reconcile(6, [
    { epoch: o.epoch, seq: 2 },
    { epoch: '0123456789abcdef', seq: 6 },
  ]);
  t.same(r, { delivered: 2, renumbered: 2, fastForwardedFrom: 4 });
  const p = await o.pending(0);
  t.same(seqsOf(p), [7, 8]);
  t.same(
    p.map((e) => e.type),
    ['e2', 'e3'],
  );
});
