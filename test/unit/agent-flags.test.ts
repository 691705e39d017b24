// Agent flags that carry structure: labels, owner-policy numbers and durations.
import t from 'tap';
import {
  FlagError,
  parseDurationFlag,
  parseFenceAfter,
  parseLabels,
  parseList,
  parseNumberFlag,
} from '../../agent/flags.js';

t.test('labels: k=v pairs with Kubernetes-like keys and short printable values', async (t) => {
  t.same(parseLabels([]), {});
  t.same(
    parseLabels(['room=lab-3', 'gpu=', 'nephele.io/rack=r12', 'a=b=c', 'x=with spaces']),
    {
      room: 'lab-3',
      gpu: '',
      'nephele.io/rack': 'r12',
      a: 'b=c',
      x: 'with spaces',
    },
    'empty values, dots, slashes, "=" inside the value',
  );
  t.same(parseLabels(['k=v', 'k=v']), { k: 'v' }, 'the same pair twice is fine');
  t.same(
    parseLabels([`${'k'.repeat(63)}=${'v'.repeat(63)}`]),
    { ['k'.repeat(63)]: 'v'.repeat(63) },
    '63 characters each',
  );
  const bad: [string, RegExp][] = [
    ['room', /"room" is not key=value/],
    ['=x', /key "" must match/],
    ['Room=x', /key "Room" must match/],
    ['-room=x', /key "-room" must match/],
    ['room name=x', /must match/],
    [`${'k'.repeat(64)}=v`, /must match/],
    [`k=${'v'.repeat(64)}`, /value of k must be at most 63 printable/],
    ['k=tab\there', /printable/],
    ['k=caf\u00e9', /printable ASCII/],
  ];
  for (const [item, want] of bad) t.throws(() => parseLabels([item]), want, JSON.stringify(item));
  t.throws(() => parseLabels(['k=a', 'k=b']), /k given twice with different values/);
  t.throws(() => parseLabels(['Bad=x']), FlagError, 'a typed error');
  t.throws(() => parseLabels(['Bad=x']), /^--label: /, 'naming the flag');
});

t.test('numbers and durations name the flag in their errors', async (t) => {
  t.equal(parseNumberFlag('--owner-busy-cpu', '50', { min: 0, max: 1000 }), 50);
  t.equal(parseNumberFlag('--owner-busy-cpu', '0', { min: 0, max: 1000 }), 0, '0 = ignore CPU');
  t.equal(parseNumberFlag('--owner-busy-cpu', '75%', { min: 0, max: 1000 }), 75, 'a trailing % is accepted');
  t.equal(parseNumberFlag('--owner-busy-cpu', '150.5', { min: 0, max: 1000 }), 150.5, 'more than one core');
  t.throws(
    () => parseNumberFlag('--owner-busy-cpu', '-1', { min: 0, max: 1000 }),
    /^--owner-busy-cpu: "-1" must be a number from 0 to 1000/,
  );
  t.throws(() => parseNumberFlag('--owner-busy-cpu', 'lots', { min: 0, max: 1000 }), /must be a number/);
  t.throws(() => parseNumberFlag('--owner-busy-cpu', '', { min: 0, max: 1000 }), /must be a number/);
  t.equal(parseNumberFlag('--guest-vcpus', '16', { min: 0, max: 4096, integer: true }), 16);
  t.throws(
    () => parseNumberFlag('--guest-vcpus', '1.5', { min: 0, max: 4096, integer: true }),
    /^--guest-vcpus: "1.5" must be an integer/,
  );
  t.equal(parseDurationFlag('--owner-idle-after', '5m'), 300_000);
  t.equal(parseDurationFlag('--owner-poll', '200ms'), 200);
  t.throws(() => parseDurationFlag('--owner-idle-after', '5 minutes'), /^--owner-idle-after: not a duration/);
  t.same(parseList(' /dev/a, ,/dev/b '), ['/dev/a', '/dev/b']);
  t.equal(parseList(''), undefined);
  t.equal(parseList(undefined), undefined);
});

t.test('--fence-after: a duration from 1s to 1h', async (t) => {
  t.equal(parseFenceAfter('1m'), 60_000, 'the default');
  t.equal(parseFenceAfter('1s'), 1_000);
  t.equal(parseFenceAfter('1h'), 3_600_000);
  t.equal(parseFenceAfter('90'), 90_000, 'bare seconds, like the other durations');
  t.throws(() => parseFenceAfter('999ms'), /^--fence-after: "999ms" must be from 1s to 1h/);
  t.throws(() => parseFenceAfter('0'), /must be from 1s to 1h/, 'no way to switch fencing off by accident');
  t.throws(() => parseFenceAfter('2h'), /must be from 1s to 1h/);
  t.throws(() => parseFenceAfter('soon'), /^--fence-after: not a duration/);
  t.throws(() => parseFenceAfter('-5s'), FlagError);
});
