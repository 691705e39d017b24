// The bus's decisions and router without any process: topic and payload checks,
// the ring's bounds, where a Subscribe resumes, per-topic order with
// group-committed counters (and what a failed commit does), what a host behind
// or a paused subscriber does to memory (bounded), with a fake clock.
import t from 'tap';
import { EventEmitter } from 'node:events';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { Bus } from '../../controller/schemes/bus/bus.js';
import {
  checkPayload,
  checkTopic,
  DEFAULT_BUS_LIMITS,
  hostHasRoom,
  isResend,
  resumePlan,
  Ring,
  type BusMsg,
} from '../../controller/schemes/bus/core.js';
import { serveSubscribe } from '../../controller/schemes/bus/subscriber.js';
import type { BusMessage } from '../../common/gen/nephele/v1/BusMessage.js';

const msg = (seq: number, bytes = 1): BusMsg => ({
  topic: 't',
  seq,
  payload: Buffer.alloc(bytes),
  fromVmId: '',
  fromScheme: '',
  timeUnixMs: 0,
});

t.test('checks', async (t) => {
  t.equal(checkTopic('topic', 'a.b_c-9'), 'a.b_c-9');
  for (const bad of ['', 'A', '-a', 'a/b', 'a b', 'x'.repeat(64), 7])
    t.throws(() => checkTopic('topic', bad), { code: 'INVALID_ARGUMENT' });
  t.equal(checkPayload('payload', Buffer.alloc(65536)).length, 65536);
  t.throws(() => checkPayload('payload', Buffer.alloc(65537)), { message: /payload: is over 65536 bytes/ });
  t.ok(isResend(5, 5) && isResend(5, 3) && !isResend(5, 6) && !isResend(undefined, 1));
  t.ok(hostHasRoom(255, { hostQueue: 256 }) && !hostHasRoom(256, { hostQueue: 256 }));
});

t.test('ring: bounded by count and bytes, consecutive seqs', async (t) => {
  const r = new Ring({ ringSize: 4, ringBytes: 10 });
  for (let s = 1; s <= 6; s++) r.push(msg(s));
  t.equal(r.size, 4);
  t.equal(r.oldest(), 3);
  t.same(
    r.after(4, 10).map((m) => m.seq),
    [5, 6],
  );
  t.same(
    r.after(0, 10).map((m) => m.seq),
    [3, 4, 5, 6],
  );
  r.push(msg(7, 10)); // 10 bytes: it alone fills the byte bound
  t.same(
    r.after(0, 10).map((m) => m.seq),
    [7],
  );
  const big = new Ring({ ringSize: 1, ringBytes: 1 });
  big.push(msg(1, 100));
  t.equal(big.size, 1, 'one message over the byte bound is still kept (the newest)');
});

t.test('resumePlan', async (t) => {
  t.equal(resumePlan(0, 10, 5), 'live');
  t.equal(resumePlan(10, 10, 5), 'live');
  t.equal(resumePlan(4, 10, 5), 'replay');
  t.throws(() => resumePlan(3, 10, 5), { code: 'FAILED_PRECONDITION', message: /oldest kept: 5/ });
  t.throws(() => resumePlan(3, 10, undefined), { message: /none kept since the controller started/ });
  t.throws(() => resumePlan(11, 10, 5), { code: 'INVALID_ARGUMENT', message: /after_seq/ });
});

function world(limits = DEFAULT_BUS_LIMITS) {
  const store = new MemoryStore();
  const clock = new FakeClock(1000);
  const sent: { host: string; vms: string[]; seq: number }[] = [];
  const backlog = new Map<string, number>();
  const bus = new Bus(store, clock, silentLogger, limits, {
    backlog: (h) => backlog.get(h) ?? 0,
    send: (h, m) => (sent.push({ host: h, vms: m.busDeliver!.vmIds!, seq: Number(m.busDeliver!.seq) }), true),
  });
  return { store, clock, bus, sent, backlog };
}

t.test('router: gap-free per (tenant, topic), tenants apart, VMs by host, counters survive a restart', async (t) => {
  const { store, bus, sent, backlog } = world();
  bus.setVmTopics('acme', 'VM1', 'h1', ['t']);
  bus.setVmTopics('acme', 'VM2', 'h2', ['t']);
  bus.setVmTopics('other', 'VM3', 'h1', ['t']);
  const seqs = await Promise.all(
    [1, 2, 3].map((i) => bus.publish('acme', 't', Buffer.from(`m${i}`), { vmId: '', scheme: '' })),
  );
  t.same(seqs, [1, 2, 3]);
  t.equal(await bus.publish('other', 't', Buffer.from('o'), { vmId: '', scheme: '' }), 1, "the other tenant's own seq");
  t.same(
    sent.filter((s) => s.host === 'h1').map((s) => `${s.vms.join()}:${s.seq}`),
    ['VM1:1', 'VM1:2', 'VM1:3', 'VM3:1'],
    'each tenant to its own VMs only',
  );
  backlog.set('h2', DEFAULT_BUS_LIMITS.hostQueue);
  const drops: string[] = [];
  bus.onDrop = (h, vms) => drops.push(`${h}:${vms.join()}`);
  await bus.publish('acme', 't', Buffer.from('m4'), { vmId: '', scheme: '' });
  t.same(drops, ['h2:VM2'], 'a host behind: dropped and told');
  t.equal(bus.stats.dropped, 1);
  bus.dropHost('h1');
  t.same(bus.list('acme', '', 10).topics[0]!.vmIds, ['VM2']);
  // A new router on the same store continues after the persisted seq.
  const again = new Bus(store, new FakeClock(0), silentLogger, DEFAULT_BUS_LIMITS, {
    backlog: () => 0,
    send: () => true,
  });
  await again.start();
  t.equal(await again.publish('acme', 't', Buffer.alloc(0), { vmId: '', scheme: '' }), 5);
  t.throws(() => resumePlan(2, 5, undefined), { code: 'FAILED_PRECONDITION' }, 'messages are memory only');
});

t.test('router: a failed counter write fails the batch and hands no seq out twice', async (t) => {
  const { store, bus } = world();
  await bus.publish('acme', 't', Buffer.alloc(0), { vmId: '', scheme: '' });
  const real = store.batch.bind(store);
  store.batch = () => Promise.reject(new Error('disk full'));
  const failed = await bus.publish('acme', 't', Buffer.alloc(0), { vmId: '', scheme: '' }).catch((e: Error) => e);
  t.match(failed, { message: 'disk full' });
  store.batch = real;
  t.equal(
    await bus.publish('acme', 't', Buffer.alloc(0), { vmId: '', scheme: '' }),
    2,
    'the next one takes seq 2: no gap',
  );
});

/** A server stream whose client never reads: every write after the first reports a full buffer, no drain ever. */
class PausedStream extends EventEmitter {
  destroyed = false;
  written: BusMessage[] = [];
  status?: { code: number; details: string };
  write(m: BusMessage): boolean {
    this.written.push(m);
    return false;
  }
  end(): void {
    this.emit('close');
  }
  override emit(ev: string | symbol, ...a: unknown[]): boolean {
    if (ev === 'error') {
      this.status = a[0] as { code: number; details: string };
      return super.emit('close');
    }
    return super.emit(ev, ...a);
  }
}

t.test('a paused subscriber holds at most its buffer, then is ended with its resume seq', async (t) => {
  const { bus } = world({ ...DEFAULT_BUS_LIMITS, subscriberBuffer: 8 });
  const s = new PausedStream();
  const done = serveSubscribe(s, bus, { tenant: 'acme', topic: 't', afterSeq: 0, buffer: 8 }, silentLogger);
  for (let i = 0; i < 50; i++) await bus.publish('acme', 't', Buffer.alloc(1000), { vmId: '', scheme: '' });
  await done;
  t.equal(s.written.length, 1, 'one written to the stream, then it waited for a drain that never came');
  t.equal(s.status?.code, 10, 'ABORTED');
  t.match(s.status?.details, /fell behind \(more than 8 messages waiting\); resume with after_seq=1/);
  t.equal(bus.list('acme', '', 10).topics[0]!.subscribers, 0, 'detached: nothing more is kept for it');
});

t.test('the hosts side: an agent report is hostile', async (t) => {
  const { bus, clock } = world();
  const { BusHosts } = await import('../../controller/schemes/bus/hosts.js');
  const vmRec = (id: string, hostId: string, state: string, tenant = 'acme') =>
    ({ id, hostId, state, tenant, spec: { scheme: 'qemu' } }) as never;
  const V1 = '01ARZ3NDEKTSV4RRFFQ69G5FA1';
  const V2 = '01ARZ3NDEKTSV4RRFFQ69G5FA2';
  const V3 = '01ARZ3NDEKTSV4RRFFQ69G5FA3';
  const recs = new Map([
    [V1, vmRec(V1, 'h1', 'running')],
    [V2, vmRec(V2, 'h2', 'running')],
    [V3, vmRec(V3, 'h1', 'stopped')],
  ]);
  let reads = 0;
  const events: { type: string; tenant?: string; attributes?: Record<string, string> }[] = [];
  const hosts = new BusHosts(
    bus,
    {
      // The first read is slow: later reports of the same host must still keep their order.
      get: async (id) => (++reads === 1 && (await new Promise((r) => setTimeout(r, 30))), recs.get(id)),
      onChange: () => {},
    },
    { append: async (...e: never[]) => (events.push(...e), new Map()) } as never,
    clock,
    silentLogger,
    DEFAULT_BUS_LIMITS,
  );
  const got: string[] = [];
  bus.attach('acme', 't', { offer: (m) => got.push(`${m.seq}:${m.payload.toString()}:${m.fromVmId}:${m.fromScheme}`) });
  const pub = (host: string, vmId: string, text: string, localSeq: number) =>
    hosts.publish(host, { vmId, topic: 't', payload: Buffer.from(text), localSeq } as never);
  await Promise.all([pub('h1', V1, 'a', 1), pub('h1', V1, 'b', 2), pub('h1', V1, 'b-again', 2)]);
  await pub('h1', V2, 'not mine', 3); // V2 runs on h2
  await pub('h1', V3, 'stopped', 4);
  await pub('h1', 'not-an-id', 'junk', 5);
  await hosts.publish('h1', { vmId: V1, topic: 'Bad', payload: Buffer.from('x'), localSeq: 9 } as never);
  await bus.flush();
  t.same(got, [`1:a:${V1}:qemu`, `2:b:${V1}:qemu`], 'in order, once; the scheme is the record’s, not the agent’s');
  t.equal(hosts.stats.resends, 1);
  t.equal(hosts.stats.refused, 4, 'another host’s VM, a stopped VM, a junk id, a bad topic');
  await hosts.subscriptions('h1', { vmId: V2, topics: ['t'] } as never);
  await hosts.subscriptions('h1', { vmId: V1, topics: ['t', 't'] } as never);
  t.same(bus.list('acme', '', 10).topics[0]!.vmIds, [V1], 'only its own running VM subscribes');
  t.same(
    events.map((e) => `${e.type}:${e.tenant}:${e.attributes?.topics}`),
    ['bus_vm_subscriptions:acme:t'],
    'audited once, in the VM’s tenant',
  );
});
