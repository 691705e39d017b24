// serveWatch over a real EventLog on LevelDB and a real object-mode Writable
// standing in for the gRPC stream: backpressure, bounded buffers, the
// fell-behind status with its resume seq, scans that stop with the call, slots.
import t from 'tap';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { EventLog, type Event } from '../../controller/events/log.js';
import { serveWatch, WatchSlots } from '../../controller/events/watch.js';
import { LevelStore, type Store, type ScanOptions, type Op, type Precondition } from '../../common/store/index.js';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { resumeSeqOf, RESUME_SEQ } from '../../common/grpc/status.js';
import { waitFor } from '../helpers/wait.js';
import { tmpDir } from '../helpers/tmp.js';

/** Counts entries read by scans and scans still open. */
class CountingStore implements Store {
  read = 0;
  open = 0;
  constructor(readonly inner: Store) {}
  get<T>(c: string, k: string) {
    return this.inner.get<T>(c, k);
  }
  getMany<T>(c: string, k: string[]) {
    return this.inner.getMany<T>(c, k);
  }
  batch(ops: Op[], pre?: Precondition[]) {
    return this.inner.batch(ops, pre);
  }
  batchGroup(changes: { ops: Op[]; pre: Precondition[] }[], finalize: (accepted: boolean[]) => Op[]) {
    return this.inner.batchGroup(changes, finalize);
  }
  async *scan<T>(c: string, o?: ScanOptions) {
    this.open++;
    try {
      for await (const e of this.inner.scan<T>(c, o)) {
        this.read++;
        yield e;
      }
    } finally {
      this.open--;
    }
  }
  last<T>(c: string, o?: ScanOptions) {
    return this.inner.last<T>(c, o);
  }
  close() {
    return this.inner.close();
  }
}

async function setup(t: { teardown(fn: () => unknown): void }) {
  const level = await LevelStore.open(join(tmpDir('nephele-watch-'), 'db'));
  const store = new CountingStore(level);
  const log = await EventLog.open(store, new FakeClock(), silentLogger);
  t.teardown(() => level.close());
  return { store, log };
}

async function append(log: EventLog, n: number, type = 'thing.happened') {
  for (let i = 0; i < n; i += 100)
    await log.append(...Array.from({ length: Math.min(100, n - i) }, () => ({ type, message: 'x' })));
}

/** A client: object-mode stream with a small buffer that consumes only while `reading`. */
function client(highWaterMark = 4) {
  const got: Event[] = [];
  const held: (() => void)[] = [];
  let reading = true;
  let status: { code: number; details: string; metadata?: grpc.Metadata } | undefined;
  const stream = new Writable({
    objectMode: true,
    highWaterMark,
    write(e: Event, _enc, cb) {
      got.push(e);
      if (reading) cb();
      else held.push(cb);
    },
  });
  stream.on('error', (s) => (status = s as never));
  // What the watch has handed to the stream (some of it still in the stream's buffer).
  let written = 0;
  const write = stream.write.bind(stream) as (e: Event) => boolean;
  stream.write = ((e: Event) => {
    written++;
    return write(e);
  }) as typeof stream.write;
  return {
    stream,
    got,
    written: () => written,
    status: () => status,
    pause: () => (reading = false),
    resume: () => {
      reading = true;
      for (const cb of held.splice(0)) cb();
    },
    cancel: () => {
      stream.emit('cancelled');
      stream.destroy();
    },
  };
}

const seqs = (es: Event[]) => es.map((e) => Number(e.seq));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

t.test('replay then live: every event once, in order, while events keep coming', async (t) => {
  const { log } = await setup(t);
  await append(log, 1000);
  const c = client();
  const done = serveWatch(
    c.stream,
    log,
    { since: 0, filter: { typePrefix: '', hostId: '', auditOnly: false, tenant: '' }, buffer: 100 },
    silentLogger,
  );
  await append(log, 50); // while the replay runs
  await waitFor(() => c.got.length === 1050, { message: 'all 1050' });
  await append(log, 20);
  await waitFor(() => c.got.length === 1070, { message: 'live ones' });
  t.same(seqs(c.got), range(1, 1070), 'no gap, no duplicate');
  c.cancel();
  await done;
  t.equal(log.subscribers(), 0, 'unsubscribed');
});

t.test('a client that does not read: bounded buffering, then ABORTED with the seq to resume after', async (t) => {
  const { log, store } = await setup(t);
  await append(log, 2000);
  const c = client();
  c.pause();
  const done = serveWatch(
    c.stream,
    log,
    { since: 0, filter: { typePrefix: '', hostId: '', auditOnly: false, tenant: '' }, buffer: 50 },
    silentLogger,
  );
  await waitFor(() => c.got.length > 0 && c.stream.writableNeedDrain, { message: 'backpressure' });
  const readSoFar = store.read;
  t.ok(c.written() <= 4, `only the stream's buffer is written (${c.written()})`);
  t.ok(readSoFar <= 256 + 1, `one replay page read (${readSoFar} entries), not the backlog`);
  t.equal(store.open, 0, 'no scan is held open while waiting for the client');

  await append(log, 50);
  t.equal(c.status(), undefined, 'up to the buffer: still open');
  await append(log, 1);
  const st = await waitFor(() => c.status(), { message: 'ended' });
  t.equal(st.code, grpc.status.ABORTED);
  const delivered = c.written();
  t.match(
    st.details,
    new RegExp(`fell behind.*resume with since_seq=${delivered} \\(or the last seq received, if lower\\)$`),
  );
  t.equal(st.metadata?.get(RESUME_SEQ)[0], String(delivered), 'the resume seq in the trailers');
  t.equal(resumeSeqOf(st), delivered);
  t.equal(log.subscribers(), 0, 'unsubscribed at once');
  c.resume();
  await waitFor(() => c.got.length === delivered);
  t.same(seqs(c.got), range(1, delivered), 'what was written before the status is contiguous up to the resume seq');

  // Resuming from there sees the rest, with no gap.
  const again = client();
  const done2 = serveWatch(
    again.stream,
    log,
    { since: resumeSeqOf(st)!, filter: { typePrefix: '', hostId: '', auditOnly: false, tenant: '' }, buffer: 50 },
    silentLogger,
  );
  await waitFor(() => again.got.length === 2051 - delivered, { message: 'the rest' });
  t.same(seqs(again.got), range(delivered + 1, 2051));
  again.cancel();
  c.cancel();
  await Promise.all([done, done2]);
});

t.test('a filtered watcher is not ended by events it does not want', async (t) => {
  const { log } = await setup(t);
  const c = client();
  c.pause();
  const done = serveWatch(
    c.stream,
    log,
    { since: 0, filter: { typePrefix: 'wanted.', hostId: '', auditOnly: false, tenant: '' }, buffer: 10 },
    silentLogger,
  );
  await append(log, 500, 'other.thing');
  await append(log, 3, 'wanted.thing');
  t.equal(c.status(), undefined, 'still open');
  c.resume();
  await waitFor(() => c.got.length === 3);
  t.same(seqs(c.got), [501, 502, 503]);
  c.cancel();
  await done;
});

t.test('a cancelled watch stops its scan: no more reads, no open iterator, no subscriber', async (t) => {
  const { log, store } = await setup(t);
  await append(log, 5000);
  const c = client();
  c.pause();
  const done = serveWatch(
    c.stream,
    log,
    { since: 0, filter: { typePrefix: '', hostId: '', auditOnly: false, tenant: '' }, buffer: 10 },
    silentLogger,
  );
  await waitFor(() => c.stream.writableNeedDrain, { message: 'waiting on the client' });
  c.cancel();
  await done;
  const after = store.read;
  await append(log, 20);
  await new Promise((r) => setTimeout(r, 50));
  t.equal(store.read, after, 'no reads after the call ended');
  t.ok(after <= 257, `the scan stopped at its first page (${after} of 5000 read)`);
  t.equal(store.open, 0, 'no iterator left open');
  t.equal(log.subscribers(), 0, 'unsubscribed');
});

t.test('slots: per token and in all', async (t) => {
  const slots = new WatchSlots({ perToken: 2, total: 3, buffer: 1 });
  const a1 = slots.acquire('a');
  slots.acquire('a');
  t.throws(() => slots.acquire('a'), { code: 'RESOURCE_EXHAUSTED', message: /for this token \(at most 2\)/ });
  slots.acquire('b');
  t.throws(() => slots.acquire('c'), { code: 'RESOURCE_EXHAUSTED', message: /on this controller \(at most 3\)/ });
  a1();
  a1(); // twice gives back once
  t.ok(slots.acquire('c'), 'a freed slot is reused');
  t.throws(() => slots.acquire('d'), { code: 'RESOURCE_EXHAUSTED' });
});
