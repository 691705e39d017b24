// Per-object filters and newest-first pages of the event log (issue 11, items 4
// and API gaps), and the `events tail -f` reconnect decisions, without a clock.
import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { join } from 'node:path';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { LevelStore } from '../../common/store/index.js';
import { EventLog, matches, type Event } from '../../controller/events/log.js';
import { afterEnd, reconnectDelay } from '../../controller/cli/follow.js';
import { tmpDir } from '../helpers/tmp.js';

const VM = '01J00000000000000000000VM1';
const SET = '01J00000000000000000000SE1';

const e = (attributes: Record<string, string>, extra: Partial<Event> = {}): Event => ({
  seq: 1,
  timeUnixMs: 0,
  type: 'x',
  severity: 'info',
  message: '',
  hostId: '',
  actor: '',
  audit: false,
  attributes,
  tenant: '',
  ...extra,
});

t.test('vm_id, set_id and host_id match the object or the target of an audited call', async (t) => {
  t.ok(matches(e({ vm_id: VM }), { vmId: VM }));
  t.ok(matches(e({ target_vm_id: VM }, { audit: true }), { vmId: VM }), 'the audit record of a call on it');
  t.notOk(matches(e({ vm_id: 'other' }), { vmId: VM }));
  t.notOk(matches(e({}), { vmId: VM }), 'an event naming no VM');
  t.ok(matches(e({ vm_id: VM, set_id: SET }), { setId: SET }), 'a member VM event that names its set');
  t.ok(matches(e({ target_set_id: SET }), { setId: SET }));
  t.notOk(matches(e({ set_id: SET }), { setId: SET, tenant: 'acme' }), 'and the tenant still applies');
  t.ok(matches(e({}, { hostId: 'H' }), { hostId: 'H' }));
  t.ok(matches(e({ target_host_id: 'H' }), { hostId: 'H' }), 'CordonHost on it');
});

t.test('newest first: bounded pages downwards, then the rest', async (t) => {
  const level = await LevelStore.open(join(tmpDir('nephele-evf-'), 'db'));
  const log = await EventLog.open(level, new FakeClock(), silentLogger);
  t.teardown(async () => {
    log.stop();
    await level.close();
  });
  for (let i = 1; i <= 30; i++)
    await log.append({ type: i % 10 === 0 ? 'vm.created' : 'other', message: 'm', attributes: { vm_id: `v${i}` } });
  const p1 = await log.list(0, 2, { typePrefix: 'vm.' }, log.lastSeq(), true);
  t.same(
    p1.events.map((x) => x.seq),
    [30, 20],
    'the two newest matching, newest first',
  );
  t.ok(p1.more);
  const p2 = await log.list(0, 2, { typePrefix: 'vm.' }, p1.next - 1, true);
  t.same(
    p2.events.map((x) => x.seq),
    [10],
    'the next page goes on below',
  );
  t.notOk(p2.more);
  const since = await log.list(15, 10, null, 30, true);
  t.same(
    since.events.map((x) => x.seq),
    [30, 29, 28, 27, 26, 25, 24, 23, 22, 21],
    'since_seq is the floor',
  );
});

t.test('follow: reconnect while the controller is away; give up past the limit or on a final status', async (t) => {
  const down = { kind: 'ended' as const, code: grpc.status.UNAVAILABLE, details: 'No connection established' };
  const ended = { kind: 'ended' as const, code: grpc.status.OK, details: 'the controller ended the watch' };
  t.equal(afterEnd(down, 0, 60_000), 'reconnect');
  t.equal(afterEnd(ended, 0, 60_000), 'reconnect', 'a watch the controller ended on its way down');
  t.equal(afterEnd({ kind: 'ended', code: grpc.status.RESOURCE_EXHAUSTED, details: '' }, 0, 1), 'reconnect');
  t.equal(afterEnd({ kind: 'behind', seq: 5 }, 0, 60_000), 'resume');
  t.match(afterEnd(down, 60_000, 60_000), { fail: /stayed away for 60s/ });
  for (const code of [grpc.status.PERMISSION_DENIED, grpc.status.UNAUTHENTICATED, grpc.status.INVALID_ARGUMENT])
    t.match(afterEnd({ kind: 'ended', code, details: 'no' }, 0, 60_000), { fail: 'no', code }, `final: ${code}`);
  t.same(
    Array.from({ length: 8 }, (_, n) => reconnectDelay(n, () => 1)),
    [250, 500, 1000, 2000, 4000, 5000, 5000, 5000],
    'doubling to a 5 s cap',
  );
  t.equal(
    reconnectDelay(3, () => 0),
    1500,
    'jitter takes at most a quarter off',
  );
});
