// The notice of a recommendation (issue 15): the reclass.recommended event
// (snake_case attributes, ids never in the message) and the webhook: a POST of
// the recommendation's JSON, retried with backoff, through a bounded queue
// (oldest dropped and counted) that never holds up the caller.
import t, { type Test } from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { EventLog } from '../../controller/events/log.js';
import { ReclassNotifier } from '../../controller/reclass/notice/notifier.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { recommendation } from '../helpers/reclass-records.js';
import { waitFor } from '../helpers/wait.js';

const rec = (id: string) => recommendation({ id, tenant: 'acme', explanation: 'p95 cpu 1.98 of 2 vCPUs' });

async function server(t: Test, handle: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    s.closeAllConnections();
    s.close();
  });
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`;
}

const fast = { attempts: 4, baseMs: 1, maxMs: 2, timeoutMs: 5_000, sleep: async () => undefined };

t.test('the event, and a webhook POST retried until it lands', async (t) => {
  const store = new MemoryStore();
  const events = await EventLog.open(store, new FakeClock(), silentLogger);
  const got: { method: string; type: string; event: unknown; body: Record<string, unknown> }[] = [];
  let n = 0;
  const url = await server(t, (req, res, body) => {
    if (++n <= 2) return void res.writeHead(503).end(); // two failures, then it lands
    got.push({
      method: req.method!,
      type: req.headers['content-type']!,
      event: req.headers['x-nephele-event'],
      body: JSON.parse(body),
    });
    res.writeHead(204).end();
  });
  const notifier = new ReclassNotifier(events, silentLogger, { url, queueMax: 10, post: fast });
  await notifier.recommended(rec('01JRECAAAAAAAAAAAAAAAAAAAA'));
  const [e] = (await events.list(0, 10)).events;
  t.match(e, {
    type: 'reclass.recommended',
    tenant: 'acme',
    attributes: {
      recommendation_id: '01JRECAAAAAAAAAAAAAAAAAAAA',
      vm_id: '01JVMAAAAAAAAAAAAAAAAAAAAA',
      set_id: '01JSETAAAAAAAAAAAAAAAAAAAA',
      kind: 'resize',
      target: 'large',
      cost_delta_per_month: '29.20',
    },
  });
  t.notMatch(e!.message, /01J/, 'no ids in the message');
  await notifier.idle();
  t.equal(n, 3, 'two failures, then delivered');
  t.equal(got.length, 1);
  t.match(got[0], {
    method: 'POST',
    type: 'application/json',
    event: 'reclass.recommended',
    body: { id: '01JRECAAAAAAAAAAAAAAAAAAAA', kind: 'RECOMMENDATION_KIND_RESIZE', target: { vmClass: 'large' } },
  });
  t.same(notifier.stats, { sent: 1, failed: 0, dropped: 0 });
});

t.test('a stuck webhook: the queue stays bounded (oldest dropped, counted), the caller never waits', async (t) => {
  const store = new MemoryStore();
  const events = await EventLog.open(store, new FakeClock(), silentLogger);
  const held: ServerResponse[] = [];
  const ids: string[] = [];
  const url = await server(t, (_req, res, body) => {
    ids.push((JSON.parse(body) as { id: string }).id);
    held.push(res); // answered only when released below
  });
  const notifier = new ReclassNotifier(events, silentLogger, { url, queueMax: 3, post: fast });
  const id = (i: number) => `01JREC${String(i).padStart(20, '0')}`;
  await notifier.recommended(rec(id(0)));
  await waitFor(() => held.length === 1, { message: 'the first POST is in flight' });
  for (let i = 1; i < 10; i++) await notifier.recommended(rec(id(i))); // resolves although the webhook hangs
  t.equal(notifier.stats.dropped, 6, '9 queued behind one in flight, 3 kept');
  t.equal((await events.list(0, 100)).events.length, 10, 'every recommendation is still an event');
  const release = async () => {
    while (held.length) held.shift()!.writeHead(200).end();
  };
  const timer = setInterval(() => void release(), 5);
  await notifier.idle();
  clearInterval(timer);
  t.same(ids, [id(0), id(7), id(8), id(9)], 'the first, then the newest three');
  t.same(notifier.stats, { sent: 4, failed: 0, dropped: 6 });
});

t.test('a webhook that keeps failing gives up after its attempts (counted) and goes on', async (t) => {
  const store = new MemoryStore();
  const events = await EventLog.open(store, new FakeClock(), silentLogger);
  let n = 0;
  const url = await server(t, (_req, res) => {
    n++;
    res.writeHead(500).end();
  });
  const notifier = new ReclassNotifier(events, silentLogger, { url, queueMax: 3, post: fast });
  await notifier.recommended(rec('01JRECAAAAAAAAAAAAAAAAAAAA'));
  await notifier.recommended(rec('01JRECBBBBBBBBBBBBBBBBBBBB'));
  await notifier.idle();
  t.equal(n, 8, 'four attempts each');
  t.same(notifier.stats, { sent: 0, failed: 2, dropped: 0 });
});
