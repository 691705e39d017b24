// The bus through the guest agent on the host: busybox sh runs scripts/guest/agent.sh's
// own session pieces (handle, bus_relay) on a unix socket, guest programs are the
// real scripts/guest/bus.sh, and the driver side is the real GuestChannel +
// GuestBus (agent/drivers/guest-bus.ts, shared by qemu and libvirt). The real
// guest is test/integration/bus-qemu.test.ts.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { serveShell } from '../helpers/guest-sh.js';
import { join } from 'node:path';
import { GuestChannel } from '../../agent/drivers/qemu/guest-channel.js';
import { GuestBus } from '../../agent/drivers/guest-bus.js';
import { parseGuestBusLine, parseVmLine, deliveryLine, MAX_BUS_LINE } from '../../agent/drivers/bus-lines.js';
import { silentLogger } from '../../common/logger.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const AGENT = join(process.cwd(), 'scripts/guest/agent.sh');
const BUS = join(process.cwd(), 'scripts/guest/bus.sh');

t.test('line grammar: hostile input refused', async (t) => {
  t.same(parseVmLine('pub a.b-c_1 aGk='), { kind: 'pub', topic: 'a.b-c_1', payload: Buffer.from('hi') });
  t.same(parseVmLine('pub t -'), { kind: 'pub', topic: 't', payload: Buffer.alloc(0) });
  t.same(parseVmLine('sub t'), { kind: 'sub', topic: 't' });
  for (const bad of ['pub T aGk=', 'pub ../x aGk=', 'pub t a!', 'pub t aGk', 'sub', 'sub t x', 'rm t', 'pub t a b'])
    t.equal(parseVmLine(bad).kind, 'error', bad);
  t.match(parseVmLine(`pub t ${Buffer.alloc(65537).toString('base64')}`), { kind: 'error', why: /over 65536/ });
  t.match(parseVmLine('x'.repeat(MAX_BUS_LINE + 1)), { kind: 'error', why: 'line too long' });
  t.same(parseGuestBusLine('subs a,b,a'), { kind: 'subs', topics: ['a', 'b'] });
  t.same(parseGuestBusLine('subs -'), { kind: 'subs', topics: [] });
  t.equal(parseGuestBusLine(`subs ${Array.from({ length: 33 }, (_, i) => `t${i}`).join(',')}`).kind, 'error');
  t.equal(parseGuestBusLine('subs a,B').kind, 'error');
  t.equal(
    deliveryLine({ topic: 't', seq: 3, payload: Buffer.from('x'), fromVmId: '', fromScheme: '', timeUnixMs: 5 }),
    'msg t 3 - - 5 eA==',
  );
});

t.test('guest agent bus: sub, pub, deliveries, over a real GuestChannel', async (t) => {
  const haveBusybox = spawnSync('sh', ['-c', 'command -v busybox']).status === 0;
  t.ok(haveBusybox, 'busybox is installed');
  const dir = tmpDir();
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', NEPHELE_AGENT_LIB: '1', NEPHELE_RUN: dir };
  const sock = join(dir, 'ga.sock');
  // Its own process group: the relay runs in the background and goes with it.
  const { server, children } = serveShell(
    sock,
    [
      'busybox',
      'sh',
      '-c',
      `. ${AGENT}; mkdir -p "$BUS_DIR/in"; : >>"$BUS_SUBS"; mkfifo "$BUS_FIFO"; exec 5<>"$BUS_FIFO"; ` +
        `reply "ready b1"; bus_list; reply "bus subs $_bl"; bus_relay & while IFS= read -r l; do handle "$l"; done; kill $!`,
    ],
    env,
    true,
  );
  const ga = await GuestChannel.connect(sock, { timeoutMs: 5000 });
  t.teardown(() => {
    ga.close();
    server.close();
    for (const c of children) process.kill(-c.pid!, 'SIGKILL');
  });
  const bus = new GuestBus(() => silentLogger);
  const pubs: string[] = [];
  const subs: string[][] = [];
  bus.listen({
    publish: (id, topic, payload) => pubs.push(`${id} ${topic} ${payload.toString()}`),
    subscriptions: (id, topics) => subs.push(topics),
  });
  bus.attach('vm1', ga);
  await waitFor(() => subs.length > 0, { message: 'the subscription list after ready' });
  t.same(subs.at(-1), []);
  const guest = (...args: string[]) => spawnSync('busybox', ['sh', BUS, ...args], { env, encoding: 'utf8' });
  t.equal(guest('sub', 'in.q').status, 0);
  t.equal(guest('sub', 'other').status, 0);
  await waitFor(() => subs.at(-1)?.join(',') === 'in.q,other', { message: 'bus subs in.q,other' });
  t.equal(guest('unsub', 'other').status, 0);
  await waitFor(() => subs.at(-1)?.join(',') === 'in.q', { message: 'bus subs in.q' });
  const bad = guest('pub', 'Bad/Topic', 'x');
  t.equal(bad.status, 2, 'a bad topic is refused in the guest');
  t.match(bad.stderr, /bad topic/);
  for (const m of ['hello world', 'two', '']) t.equal(guest('pub', 'out', m).status, 0);
  await waitFor(() => pubs.length === 3, { message: 'three publishes' });
  t.same(pubs, ['vm1 out hello world', 'vm1 out two', 'vm1 out '], 'in order, spaces kept, empty payload');
  const big = 'z'.repeat(60_000);
  const d = (seq: number, payload: string) => ({
    topic: 'in.q',
    seq,
    payload: Buffer.from(payload),
    fromVmId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    fromScheme: 'process',
    timeUnixMs: 1000 + seq,
  });
  for (const [i, p] of ['a b', 'second', big].entries()) t.ok(bus.deliver('vm1', d(i + 1, p)));
  const file = join(dir, 'nephele-bus/in/in.q');
  await waitFor(() => readFileSync(file, 'utf8').split('\n').length === 4, { message: 'three deliveries' });
  const cat = guest('cat', 'in.q');
  t.same(cat.stdout.split('\n').slice(0, 3), ['a b', 'second', big], 'delivered in order, a 60 KB one whole');
  t.match(readFileSync(file, 'utf8'), /^1 01ARZ3NDEKTSV4RRFFQ69G5FAV process 1001 YSBi\n/);
  t.equal(await ga.request('bus-subs'), 'in.q', 'bus-subs answers the list (after an agent restart)');
  t.match(await ga.request('bus-deliver Bad 1 - - 1 eA==').catch((e: Error) => e.message), /err|usage/);
  t.notOk(bus.deliver('vm-unknown', d(9, 'x')), 'a VM without a channel: dropped');
});
