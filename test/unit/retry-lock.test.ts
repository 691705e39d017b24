import t from 'tap';
import { ConflictError, NotFoundError } from '../../common/errors.js';
import { KeyedMutex, retryOnConflict } from '../../common/store/index.js';

t.test('retryOnConflict re-runs on ConflictError only, up to its limit', async (t) => {
  let n = 0;
  t.equal(await retryOnConflict(async () => (++n < 3 ? Promise.reject(new ConflictError('k', 'raced')) : 'ok')), 'ok');
  t.equal(n, 3, 'two conflicts, then success');
  n = 0;
  await t.rejects(
    retryOnConflict(async () => {
      n++;
      throw new ConflictError('k', 'raced');
    }, 4),
    ConflictError,
  );
  t.equal(n, 4, 'gives up after the attempt limit');
  n = 0;
  await t.rejects(
    retryOnConflict(async () => {
      n++;
      throw new NotFoundError('vm');
    }),
    NotFoundError,
  );
  t.equal(n, 1, 'other errors are not retried');
});

t.test('KeyedMutex serialises per key, runs keys in parallel, forgets idle keys', async (t) => {
  const m = new KeyedMutex();
  const order: string[] = [];
  let releaseA!: () => void;
  const gateA = new Promise<void>((r) => (releaseA = r));
  const a1 = m.run('a', async () => {
    order.push('a1 start');
    await gateA;
    order.push('a1 end');
  });
  const a2 = m.run('a', async () => {
    order.push('a2');
  });
  const b = m.run('b', async () => {
    order.push('b');
  });
  await b;
  t.same(order, ['a1 start', 'b'], 'b ran while a was held; a2 waits');
  t.equal(m.size, 1, 'only the busy key is kept');
  releaseA();
  await Promise.all([a1, a2]);
  t.same(order, ['a1 start', 'b', 'a1 end', 'a2'], 'FIFO per key');
  t.equal(m.size, 0, 'idle keys are dropped');
  await t.rejects(
    m.run('c', async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  t.equal(await m.run('c', async () => 7), 7, 'a failed holder releases the key');
  t.equal(m.size, 0);
});
