// The pure decisions behind the store's guards: may the controller start on
// the store it found (sentinel check), and when is the space alarm on.
import t from 'tap';
import { checkStore, refusalMessage, type StoreFacts } from '../../controller/storage/check.js';
import { alarmAfter, minFreeBytes, parseMinFree } from '../../controller/storage/monitor.js';
import type { Sentinel } from '../../controller/storage/sentinel.js';
import { levelErrorKind, levelReason } from '../../common/store/index.js';

const sentinel: Sentinel = { format: 1, storeId: 'S1', initializedUnixMs: 0, eventSeq: 50, updatedUnixMs: 0 };
const empty: StoreFacts = { eventSeq: 0, hasTokens: false };
const intact: StoreFacts = { id: 'S1', eventSeq: 57, hasTokens: true };
const o = { adminTokenExists: true, acceptLoss: false };

t.test('checkStore: fresh, adopt, ok', async (t) => {
  t.same(
    checkStore(undefined, empty, { ...o, adminTokenExists: false }),
    { action: 'fresh' },
    'nothing anywhere: a fresh install',
  );
  t.same(
    checkStore(undefined, { ...intact, id: undefined }, o),
    { action: 'adopt' },
    'a store from before sentinels is adopted',
  );
  t.same(checkStore(sentinel, intact, o), { action: 'ok' }, 'store ahead of the sentinel (a lower bound)');
  t.same(checkStore(sentinel, { ...intact, eventSeq: 50 }, o), { action: 'ok' }, 'store at the sentinel');
});

t.test('checkStore: every kind of loss is refused, or accepted with the flag', async (t) => {
  const cases: [string, Parameters<typeof checkStore>[0], StoreFacts, boolean, RegExp][] = [
    [
      'store behind',
      sentinel,
      { ...intact, eventSeq: 12 },
      true,
      /behind its sentinel: it holds events up to 12, .* up to 50/,
    ],
    ['store empty', sentinel, empty, true, /the store is empty/],
    ['identity lost, data left', sentinel, { ...intact, id: undefined }, true, /missing its identity/],
    ['another store', sentinel, { ...intact, id: 'S2' }, true, /the store is S2, another one than/],
    [
      'sentinel unreadable',
      { unreadable: 'Unexpected token' },
      intact,
      true,
      /store\.sentinel cannot be read \(Unexpected token\)/,
    ],
    ['no sentinel, empty store, but admin.token', undefined, empty, true, /admin\.token exists/],
  ];
  for (const [name, s, f, tokenFile, re] of cases) {
    const refused = checkStore(s, f, { adminTokenExists: tokenFile, acceptLoss: false });
    t.equal(refused.action, 'refuse', `${name}: refused`);
    t.match('problem' in refused ? refused.problem : '', re, `${name}: says what`);
    t.equal(
      checkStore(s, f, { adminTokenExists: tokenFile, acceptLoss: true }).action,
      'accept',
      `${name}: accepted with --accept-store-loss`,
    );
  }
  const msg = refusalMessage('the store is empty', '/var/lib/nephele');
  t.match(msg, /^refusing to start: the store is empty\./);
  t.match(msg, /restore \/var\/lib\/nephele\/store .* from a backup/);
  t.match(msg, /--accept-store-loss/);
});

t.test('space alarm: threshold by size or share, with hysteresis', async (t) => {
  t.same(parseMinFree('1G'), { bytes: 2 ** 30 });
  t.same(parseMinFree('5%'), { percent: 5 });
  t.same(parseMinFree('0'), { bytes: 0 });
  t.throws(() => parseMinFree('100%'), /below 100/);
  t.throws(() => parseMinFree('lots'), /invalid size/);
  t.equal(minFreeBytes({ percent: 10 }, 1000), 100);
  const min = { bytes: 100 };
  t.equal(alarmAfter(false, { freeBytes: 101, totalBytes: 1000 }, min), false, 'above: off');
  t.equal(alarmAfter(false, { freeBytes: 99, totalBytes: 1000 }, min), true, 'below: raised');
  t.equal(alarmAfter(true, { freeBytes: 105, totalBytes: 1000 }, min), true, 'just above: stays raised');
  t.equal(alarmAfter(true, { freeBytes: 110, totalBytes: 1000 }, min), false, 'a tenth above: cleared');
  t.equal(alarmAfter(false, { freeBytes: 0, totalBytes: 1000 }, { bytes: 0 }), false, '0 turns the alarm off');
});

t.test('LevelDB errors are told apart', async (t) => {
  const open = (code: string, message: string) =>
    Object.assign(new Error('Database failed to open'), {
      code: 'LEVEL_DATABASE_NOT_OPEN',
      cause: Object.assign(new Error(message), { code }),
    });
  t.equal(levelErrorKind(open('LEVEL_LOCKED', 'IO error: lock /d/store/LOCK: already held by process')), 'locked');
  t.equal(levelErrorKind(open('LEVEL_IO_ERROR', 'IO error: /d/store/000008.ldb: No space left on device')), 'no-space');
  t.equal(
    levelErrorKind(open('LEVEL_CORRUPTION', 'Corruption: 1 missing files; e.g.: /d/store/000005.ldb')),
    'corrupt',
  );
  t.equal(
    levelErrorKind(
      Object.assign(new Error('IO error: /d/store/000003.log: Input/output error'), { code: 'LEVEL_IO_ERROR' }),
    ),
    'io',
  );
  t.equal(levelErrorKind(new TypeError('x is undefined')), undefined, 'other errors are not LevelDB’s');
  t.equal(
    levelReason(open('LEVEL_IO_ERROR', 'IO error: /d/store/000008.ldb: No space left on device')),
    'IO error: No space left on device',
    'the reason without the path',
  );
});
