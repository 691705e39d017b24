// RefusalAudit: a few refusals audited one by one per caller and window, the
// rest counted into one aggregate event whose counts add up exactly.
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { RefusalAudit, type Refuser } from '../../controller/rpc/refusals.js';
import type { NewEvent } from '../../controller/events/log.js';

const peer = (addr: string): Refuser => ({ key: `peer:${addr}`, actor: '', tenant: '', attributes: { peer: addr } });
const viewer: Refuser = {
  key: 'token:V',
  actor: 'V',
  tenant: 'acme',
  attributes: { token_id: 'V', role: 'viewer', tenant: 'acme' },
};

function setup() {
  const clock = new FakeClock();
  const written: NewEvent[] = [];
  const audit = new RefusalAudit(
    { individual: 3, windowMs: 10_000 },
    clock,
    async (e) => written.push(e),
    (err) => {
      throw err;
    },
  );
  return { clock, written, audit };
}

const num = (e: NewEvent, k: string) => Number(e.attributes?.[k]);

t.test('first few one by one, the rest in one event when the window closes', async (t) => {
  const { clock, written, audit } = setup();
  audit.start();
  const admitted = Array.from({ length: 1000 }, (_, i) =>
    audit.admit(
      peer('10.0.0.1'),
      i % 2 ? 'AgentService.Enroll' : 'HostService.ListHosts',
      i % 3 ? 'UNAUTHENTICATED' : 'INVALID_ARGUMENT',
    ),
  );
  t.equal(admitted.filter(Boolean).length, 3, 'three audited individually');
  t.same(admitted.slice(0, 3), [true, true, true], 'the first three');
  t.equal(written.length, 0, 'nothing aggregated while the window is open');
  clock.advance(10_000);
  await audit.stop();
  t.equal(written.length, 1, 'one aggregate');
  const e = written[0]!;
  t.match(e, { type: 'audit.refused', audit: true, severity: 'warning', actor: '', tenant: '' });
  t.match(e.message, /^1000 calls refused in 10s/);
  t.equal(num(e, 'refused'), 1000);
  t.equal(num(e, 'audited_individually'), 3);
  t.equal(num(e, 'not_audited_individually'), 997);
  t.equal(e.attributes?.peer, '10.0.0.1');
  t.equal(e.attributes?.rpcs, 'AgentService.Enroll=500,HostService.ListHosts=500');
  t.equal(e.attributes?.codes, 'INVALID_ARGUMENT=334,UNAUTHENTICATED=666');
  t.equal(e.attributes?.window_ms, '10000');
});

t.test('per caller: each principal and each address has its own window', async (t) => {
  const { written, audit } = setup();
  for (let i = 0; i < 5; i++) {
    t.equal(audit.admit(viewer, 'HostService.CreateGroup', 'PERMISSION_DENIED'), i < 3);
    t.equal(audit.admit(peer('10.0.0.2'), 'AgentService.Enroll', 'INVALID_ARGUMENT'), i < 3);
  }
  await audit.stop();
  t.equal(written.length, 2);
  const v = written.find((e) => e.actor === 'V')!;
  t.match(v, {
    tenant: 'acme',
    attributes: { token_id: 'V', role: 'viewer', refused: '5', not_audited_individually: '2' },
  });
});

t.test('a window that saw no more than the individual ones writes nothing more', async (t) => {
  const { clock, written, audit } = setup();
  audit.start();
  audit.admit(viewer, 'X', 'PERMISSION_DENIED');
  audit.admit(viewer, 'X', 'PERMISSION_DENIED');
  clock.advance(20_000);
  await audit.stop();
  t.equal(written.length, 0);
});

t.test('a new window opens after the old one closes, with its own individual quota; counts stay exact', async (t) => {
  const { clock, written, audit } = setup();
  let individual = 0;
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 50; i++)
      if (audit.admit(peer('10.0.0.3'), 'AgentService.Enroll', 'RESOURCE_EXHAUSTED')) individual++;
    clock.advance(4_000); // windows of 10 s: rounds 0-2 share one, 3-4 the next
  }
  await audit.stop();
  t.equal(individual, 6, 'three per window');
  t.equal(written.length, 2, 'one aggregate per window');
  t.equal(
    individual + written.reduce((n, e) => n + num(e, 'not_audited_individually'), 0),
    250,
    'individual + aggregated = every refusal',
  );
});

t.test('the sweep closes windows on the clock; stop() flushes the open ones', async (t) => {
  const { clock, written, audit } = setup();
  audit.start();
  for (let i = 0; i < 10; i++) audit.admit(peer('10.0.0.4'), 'A', 'UNAUTHENTICATED');
  clock.advance(10_000);
  await new Promise((r) => setImmediate(r));
  t.equal(written.length, 1, 'closed by the sweep timer');
  for (let i = 0; i < 10; i++) audit.admit(peer('10.0.0.4'), 'A', 'UNAUTHENTICATED');
  await audit.stop();
  t.equal(written.length, 2, 'flushed at stop');
});

t.test('callers beyond the window table share one window with no individual events', async (t) => {
  const { written, audit } = setup();
  let individual = 0;
  for (let i = 0; i < 10_050; i++) if (audit.admit(peer(`p${i}`), 'A', 'UNAUTHENTICATED')) individual++;
  t.equal(individual, 10_000, 'one each for the first 10,000 addresses');
  await audit.stop();
  const overflow = written.filter((e) => e.attributes?.peer === '*');
  t.equal(overflow.length, 1);
  t.equal(num(overflow[0]!, 'refused'), 50, 'the rest counted together');
});
