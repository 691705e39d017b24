// The console relay's rules with fake calls: a host feeds only a stream it was
// asked for, chunks are bounded, a slow reader pauses the host's call, limits
// hold, and every way a console ends settles both calls once.
import t from 'tap';
import { EventEmitter } from 'node:events';
import { ConsoleRelay, consoleArgs } from '../../controller/vms/console.js';
import type { ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import type { VmRecord } from '../../controller/model/index.js';
import { NotFoundError } from '../../common/errors.js';
import { silentLogger } from '../../common/logger.js';

const VM = '01JD5Z8Q3N4V6W7X8Y9Z0A1B2C';
const HOST = '01JD5Z8Q3N4V6W7X8Y9Z0A1B2D';

class FakeClient extends EventEmitter {
  cancelled = false;
  written: Buffer[] = [];
  ended = false;
  full = false;
  constructor(readonly request: { vmId: string; follow?: boolean; tailBytes?: number }) {
    super();
  }
  write(m: { data: Buffer }): boolean {
    this.written.push(m.data);
    return !this.full;
  }
  end(): void {
    this.ended = true;
  }
  cancel(): void {
    this.cancelled = true;
    this.emit('cancelled');
  }
}

class FakePut extends EventEmitter {
  paused = 0;
  resumed = 0;
  pause(): void {
    this.paused++;
  }
  resume(): void {
    this.resumed++;
  }
  chunk(c: { streamId?: string; data?: Buffer; error?: string }): void {
    this.emit('data', { streamId: c.streamId ?? '', data: c.data ?? Buffer.alloc(0), error: c.error ?? '' });
  }
}

function setup(
  opts: { connected?: boolean; limits?: { perHost?: number; total?: number; openTimeoutMs?: number } } = {},
) {
  const sent: ControllerMessage[] = [];
  const relay = new ConsoleRelay({
    getVm: async (id, scope) => {
      if (id !== VM || scope === 'other') throw new NotFoundError('vm');
      return { id: VM, hostId: HOST } as VmRecord;
    },
    send: (_h, m) => (opts.connected === false ? false : (sent.push(m), true)),
    log: silentLogger,
    limits: opts.limits,
  });
  const open = (req = { vmId: VM }) => {
    const client = new FakeClient(req);
    const served = relay.serve(client as never, undefined);
    return { client, served };
  };
  return { relay, sent, open };
}

const tick = () => new Promise((r) => setImmediate(r));

t.test('arguments', async (t) => {
  t.same(consoleArgs({ vmId: VM, follow: false, tailBytes: 0 }), { vmId: VM, follow: false, tailBytes: 65536 });
  t.throws(() => consoleArgs({ vmId: 'x', follow: false, tailBytes: 0 }), { message: /^vm_id: / });
  t.throws(() => consoleArgs({ vmId: VM, follow: false, tailBytes: 2 << 20 }), { message: /^tail_bytes: / });
});

t.test('relayed in order, ended once, slot freed', async (t) => {
  const { relay, sent, open } = setup();
  const { client, served } = open();
  await tick();
  const streamId = sent[0]!.consoleOpen!.streamId!;
  t.equal(sent[0]!.consoleOpen!.vmId, VM);
  const put = new FakePut();
  const received = relay.receive(put as never, HOST);
  put.chunk({ streamId });
  put.chunk({ data: Buffer.from('a') });
  put.chunk({ data: Buffer.from('b') });
  put.emit('end');
  t.same(await received, {});
  await served;
  t.equal(Buffer.concat(client.written).toString(), 'ab');
  t.ok(client.ended);
  t.equal(relay.size, 0);
});

t.test("a host cannot feed another host's stream, nor one nobody asked for", async (t) => {
  const { relay, sent, open } = setup({ limits: { openTimeoutMs: 100 } });
  const { client, served } = open();
  await tick();
  const streamId = sent[0]!.consoleOpen!.streamId!;
  const thief = new FakePut();
  const stolen = relay.receive(thief as never, '01JD5Z8Q3N4V6W7X8Y9Z0A1B2E');
  thief.chunk({ streamId });
  await t.rejects(stolen, { code: 'NOT_FOUND' });
  const guess = new FakePut();
  const guessed = relay.receive(guess as never, HOST);
  guess.chunk({ streamId: 'made-up' });
  await t.rejects(guessed, { code: 'NOT_FOUND' });
  t.same(client.written, [], 'nothing reached the reader');
  await t.rejects(served, { code: 'UNAVAILABLE' }, 'the real host never answered: unavailable after the deadline');
});

t.test('oversized chunks, a host error, a slow reader, a reader who leaves', async (t) => {
  const { relay, sent, open } = setup();
  const a = open();
  await tick();
  const put = new FakePut();
  const r = relay.receive(put as never, HOST);
  put.chunk({ streamId: sent[0]!.consoleOpen!.streamId! });
  put.chunk({ data: Buffer.alloc(64 * 1024 + 1) });
  await t.rejects(r, { code: 'INVALID_ARGUMENT' });
  await t.rejects(a.served, { code: 'UNAVAILABLE' }, 'and the reader is told, not left hanging');

  const b = open();
  await tick();
  const put2 = new FakePut();
  const r2 = relay.receive(put2 as never, HOST);
  put2.chunk({ streamId: sent[1]!.consoleOpen!.streamId! });
  put2.chunk({ error: 'no console for that vm' });
  await r2;
  await t.rejects(b.served, { code: 'FAILED_PRECONDITION', message: /no console for that vm/ });

  const c = open();
  await tick();
  const put3 = new FakePut();
  const r3 = relay.receive(put3 as never, HOST);
  put3.chunk({ streamId: sent[2]!.consoleOpen!.streamId! });
  c.client.full = true;
  put3.chunk({ data: Buffer.from('x') });
  t.equal(put3.paused, 1, 'a full reader pauses the host call');
  c.client.emit('drain');
  t.equal(put3.resumed, 1, 'and drain resumes it');
  c.client.cancel();
  await t.rejects(r3, { code: 'ABORTED' }, "the reader left: the host's call ends");
  await c.served;
  t.equal(relay.size, 0);
});

t.test('limits and a host that is not connected', async (t) => {
  const { open } = setup({ limits: { perHost: 1 } });
  const first = open();
  await tick();
  await t.rejects(open().served, { code: 'RESOURCE_EXHAUSTED' });
  first.client.cancel();
  await first.served;
  const off = setup({ connected: false }).open();
  await t.rejects(off.served, { code: 'UNAVAILABLE', message: /not connected/ });
  const hidden = setup().relay.serve(new FakeClient({ vmId: VM }) as never, 'other');
  await t.rejects(hidden, { code: 'NOT_FOUND' });
});
