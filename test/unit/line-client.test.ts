// The line-protocol client under QMP and the guest channel, against a real
// unix socket: framing, bounded lines, id matching, timeouts, close handling.
import t from 'tap';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { LineClient, lineReader } from '../../agent/drivers/qemu/line-client.js';
import { connectUnix } from '../../agent/drivers/qemu/unix.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

/** A peer on a unix socket: records the lines it gets, answers as the test says. */
async function peer(t: { teardown(fn: () => unknown): void }) {
  const path = join(tmpDir('nephele-line-'), 's.sock');
  const got: string[] = [];
  let conn: Socket | undefined;
  const server = createServer((s) => {
    conn = s;
    s.on(
      'data',
      lineReader((l) => got.push(l)),
    );
  });
  await new Promise<void>((r) => server.listen(path, r));
  const lines: string[] = [];
  const client = new LineClient(
    await connectUnix(path),
    (l) => lines.push(l),
    (what) => `test ${what}`,
    'connection closed',
  );
  t.teardown(() => {
    client.close();
    server.close();
  });
  const side = await waitFor(() => conn, { intervalMs: 1, message: 'server side' });
  return { client, got, lines, side };
}

t.test('lineReader: LF and CRLF, partial chunks, an overlong line dropped', async (t) => {
  const out: string[] = [];
  const feed = lineReader((l) => out.push(l), 8);
  feed(Buffer.from('ab'));
  feed(Buffer.from('c\r\nde\nfg'));
  t.same(out, ['abc', 'de']);
  feed(Buffer.from('0123456789')); // over 8 bytes without a newline: dropped
  feed(Buffer.from('x\n'));
  t.same(out, ['abc', 'de', 'x']);
});

t.test('requests are matched by id, in any order; unknown ids are ignored', async (t) => {
  const p = await peer(t);
  const a = p.client.request<string>('1', '1 first', 'first', 5_000);
  const b = p.client.request<string>('2', '2 second', 'second', 5_000);
  await waitFor(() => p.got.length === 2, { intervalMs: 1 });
  t.same(p.got, ['1 first', '2 second']);
  t.equal(p.client.take('nope'), undefined);
  p.client.take('2')!.resolve('B');
  p.client.take('1')!.reject(new Error('A failed'));
  t.equal(await b, 'B');
  await t.rejects(a, /A failed/);
  t.equal(p.client.take('1'), undefined, 'answered once');
});

t.test('a request without an answer times out with its label', async (t) => {
  const p = await peer(t);
  await t.rejects(p.client.request('9', '9 slow', 'slow', 20), { message: 'test slow: no answer within 20 ms' });
  t.equal(p.client.take('9'), undefined, 'forgotten after the timeout');
});

t.test('the peer going away fails pending requests and tells close listeners once', async (t) => {
  const p = await peer(t);
  let closes = 0;
  p.client.onClose(() => closes++);
  const pending = p.client.request('1', '1 wait', 'wait', 5_000);
  await waitFor(() => p.got.length === 1, { intervalMs: 1 });
  p.side.destroy();
  await t.rejects(pending, { message: 'test wait: connection closed' });
  t.equal(p.client.closed, true);
  await t.rejects(p.client.request('2', '2 late', 'late', 5_000), { message: 'test late: connection closed' });
  p.client.close();
  t.equal(closes, 1);
  let late = 0;
  p.client.onClose(() => late++);
  await waitFor(() => late === 1, { intervalMs: 1, message: 'a listener added after the close still hears of it' });
});

t.test('failPending: every pending request fails with the reason', async (t) => {
  const p = await peer(t);
  const a = p.client.request('1', '1 a', 'a', 5_000);
  const b = p.client.request('2', '2 b', 'b', 5_000);
  p.client.failPending('guest rebooted');
  await t.rejects(a, { message: 'test a: guest rebooted' });
  await t.rejects(b, { message: 'test b: guest rebooted' });
  t.equal(p.client.closed, false, 'the connection stays');
});

t.test('lines that are not answers reach the protocol', async (t) => {
  const p = await peer(t);
  p.side.write('ready boot-1\n{"event":"STOP"}\r\n');
  await waitFor(() => p.lines.length === 2, { intervalMs: 1 });
  t.same(p.lines, ['ready boot-1', '{"event":"STOP"}']);
});
