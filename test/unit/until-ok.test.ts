import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { untilOk } from '../../controller/reclass/apply/until-ok.js';

/** Drives the fake clock until `p` settles. */
async function drive<T>(clock: FakeClock, p: Promise<T>, stepMs: number): Promise<T> {
  let done = false;
  void p.finally(() => (done = true)).catch(() => {});
  for (let i = 0; i < 10_000 && !done; i++) {
    await new Promise((r) => setImmediate(r));
    if (!done) clock.advance(stepMs);
  }
  return p;
}

t.test('an answer that comes back after refusals is waited for', async (t) => {
  const clock = new FakeClock(1_000);
  let calls = 0;
  const r = await drive(
    clock,
    untilOk(clock, 30_000, 250, async () => ({ ok: ++calls >= 3, error: calls < 3 ? 'ECONNREFUSED' : '' })),
    250,
  );
  t.same(r, { ok: true, error: '' });
  t.equal(calls, 3, 'two refusals, then the answer');
});

t.test('never answering: the last failure after the budget, not before', async (t) => {
  const clock = new FakeClock(1_000);
  let calls = 0;
  const r = await drive(
    clock,
    untilOk(clock, 30_000, 250, async () => ({ ok: false, n: ++calls })),
    250,
  );
  t.equal(r.ok, false);
  t.ok(calls >= 100 && calls <= 122, `tried for the whole budget (${calls} attempts, 250 ms apart)`);
  t.ok(clock.now() - 1_000 <= 30_000, 'and no longer');
});

t.test('a first answer returns at once; a throw ends it', async (t) => {
  const clock = new FakeClock(0);
  t.same(await untilOk(clock, 30_000, 250, async () => ({ ok: true })), { ok: true });
  await t.rejects(
    untilOk(clock, 30_000, 250, async () => Promise.reject(new Error('the vm is gone'))),
    /gone/,
  );
});
