// The desired-state push is debounced on the Clock: a burst of changes becomes
// one push, sent after the delay, to the session that is live then.
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import type { ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import { DesiredPush, PUSH_DEBOUNCE_MS, type PushTarget } from '../../controller/hosts/desired.js';
import { callContext, currentCall } from '../../controller/context.js';

function rig() {
  const clock = new FakeClock();
  const sent: { host: string; m: ControllerMessage }[] = [];
  const computed: string[] = [];
  const inCall: unknown[] = [];
  const live = new Map<string, PushTarget & { replaced: boolean }>();
  const session = (host: string) => {
    const s = { replaced: false, send: (m: ControllerMessage) => sent.push({ host, m }) };
    live.set(host, s);
    return s;
  };
  let gate: Promise<void> = Promise.resolve();
  const push = new DesiredPush(
    clock,
    async (host) => {
      computed.push(host);
      inCall.push(currentCall());
      await gate;
      return [{ vmId: `vm-of-${host}` }];
    },
    (host) => live.get(host),
    silentLogger,
  );
  return {
    clock,
    sent,
    computed,
    inCall,
    live,
    session,
    push,
    hold: (p: Promise<void>) => {
      gate = p;
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

t.test('a burst of requests is one push, sent after the debounce delay', async (t) => {
  const r = rig();
  r.session('h1');
  for (let i = 0; i < 200; i++) r.push.request('h1');
  r.clock.advance(PUSH_DEBOUNCE_MS - 1);
  await settle();
  t.same(r.computed, [], 'nothing before the delay');
  r.clock.advance(1);
  await settle();
  t.same(r.computed, ['h1'], 'one computation for 200 requests');
  t.same(
    r.sent,
    [{ host: 'h1', m: { desiredState: { vms: [{ vmId: 'vm-of-h1' }] } } }],
    'one push with the full desired state',
  );
});

t.test('hosts are debounced apart; an offline host gets nothing', async (t) => {
  const r = rig();
  r.session('h1');
  r.session('h2');
  r.push.request('h1');
  r.push.request('h2');
  r.push.request('offline');
  r.clock.advance(PUSH_DEBOUNCE_MS);
  await settle();
  t.same(r.computed.sort(), ['h1', 'h2']);
  t.same(r.sent.map((s) => s.host).sort(), ['h1', 'h2']);
});

t.test('a request while a push is computed waits for one more push', async (t) => {
  const r = rig();
  r.session('h1');
  let open!: () => void;
  r.hold(new Promise<void>((res) => (open = res)));
  r.push.request('h1');
  r.clock.advance(PUSH_DEBOUNCE_MS);
  await settle();
  t.equal(r.computed.length, 1, 'first push computing');
  r.push.request('h1');
  r.push.request('h1');
  open();
  await settle();
  t.equal(r.sent.length, 1, 'the first push went out');
  r.clock.advance(PUSH_DEBOUNCE_MS);
  await settle();
  t.equal(r.computed.length, 2, 'the later requests made exactly one more');
  t.equal(r.sent.length, 2);
});

t.test('a session replaced before the push fires or while it is computed gets nothing', async (t) => {
  const r = rig();
  const s = r.session('h1');
  r.push.request('h1');
  s.replaced = true;
  r.clock.advance(PUSH_DEBOUNCE_MS);
  await settle();
  t.same(r.computed, [], 'replaced before the timer: not even computed');

  const s2 = r.session('h1');
  let open!: () => void;
  r.hold(new Promise<void>((res) => (open = res)));
  r.push.request('h1');
  r.clock.advance(PUSH_DEBOUNCE_MS);
  await settle();
  s2.replaced = true;
  open();
  await settle();
  t.same(r.sent, [], 'replaced while computing: nothing written to it');
});

t.test('the push runs outside the call that requested it', async (t) => {
  const r = rig();
  r.session('h1');
  callContext.run({ rpc: 'VmService.StartVm', actor: 'tok', peer: 'p' }, () => r.push.request('h1'));
  r.clock.advance(PUSH_DEBOUNCE_MS);
  await settle();
  t.same(r.inCall, [undefined], 'no call context in the push');
});
