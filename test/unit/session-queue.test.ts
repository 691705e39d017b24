// A session's durable writes queue in order; when the store is slower than the
// agent, the session stops reading at SESSION_QUEUE_HIGH queued writes and
// starts again once they drain, so a flood cannot grow the controller's memory.
import t from 'tap';
import type { VmStatusReport__Output as VmStatusReport } from '../../common/gen/nephele/v1/VmStatusReport.js';
import { burst, enqueue, MAX_BURST, SESSION_QUEUE_HIGH } from '../../controller/hosts/live-session.js';

t.test('reading pauses at the high-water mark and resumes as the queue drains', async (t) => {
  const flow: string[] = [];
  const s = {
    queue: Promise.resolve(),
    pending: 0,
    burst: undefined,
    flow: { pause: () => void flow.push('pause'), resume: () => void flow.push('resume') },
  };
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const order: number[] = [];
  const errors: unknown[] = [];
  for (let i = 0; i < SESSION_QUEUE_HIGH + 10; i++)
    enqueue(
      s,
      async () => {
        await gate;
        if (i === 3) throw new Error('store busy');
        order.push(i);
      },
      (e) => void errors.push(e),
    );
  t.same(flow, ['pause'], 'paused once, at the mark, not per write');
  t.equal(s.pending, SESSION_QUEUE_HIGH + 10);
  open();
  await s.queue;
  t.same(flow, ['pause', 'resume'], 'resumed once the queue drained below the mark');
  t.equal(s.pending, 0);
  t.equal(order.length, SESSION_QUEUE_HIGH + 9, 'every write ran but the failed one');
  t.same(order.slice(0, 4), [0, 1, 2, 4], 'in order; a failure does not stop the queue');
  t.equal(errors.length, 1);
});

t.test('a short queue never pauses', async (t) => {
  const flow: string[] = [];
  const s = {
    queue: Promise.resolve(),
    pending: 0,
    burst: undefined,
    flow: { pause: () => void flow.push('pause'), resume: () => void flow.push('resume') },
  };
  for (let i = 0; i < 5; i++)
    enqueue(
      s,
      async () => {},
      () => {},
    );
  await s.queue;
  t.same(flow, []);
});

t.test('VM reports join the burst waiting on the queue; another write closes it; at most MAX_BURST', async (t) => {
  const s = { queue: Promise.resolve(), pending: 0, burst: undefined, flow: undefined };
  const writes: number[][] = [];
  const report = (seq: number) => ({ seq }) as VmStatusReport;
  const write = async (rs: VmStatusReport[]) => void writes.push(rs.map((r) => r.seq));
  // Another write closes the burst: reports after it go after it, in order.
  const order: string[] = [];
  const tagged = async (rs: VmStatusReport[]) => void order.push(rs.map((r) => r.seq).join(','));
  burst(s, report(11), tagged, t.error);
  burst(s, report(12), tagged, t.error);
  enqueue(s, async () => void order.push('event'), t.error);
  burst(s, report(13), tagged, t.error);
  await s.queue;
  t.same(order, ['11,12', 'event', '13']);

  // At most MAX_BURST reports in one write.
  for (let seq = 100; seq < 100 + MAX_BURST + 1; seq++) burst(s, report(seq), write, t.error);
  await s.queue;
  t.same(
    writes.map((w) => w.length),
    [MAX_BURST, 1],
  );
});
