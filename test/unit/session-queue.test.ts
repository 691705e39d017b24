// A session's durable writes queue in order; when the store is slower than the
// agent, the session stops reading at SESSION_QUEUE_HIGH queued writes and
// starts again once they drain, so a flood cannot grow the controller's memory.
import t from 'tap';
import { enqueue, SESSION_QUEUE_HIGH } from '../../controller/hosts/live-session.js';

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
