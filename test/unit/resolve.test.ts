import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { MAX_RESOLVE, pick, resolveRef, type Candidate } from '../../controller/cli/resolve.js';
import { CLEAR, frame, watchLoop } from '../../controller/cli/watch.js';
import { formatOf, render, shortEnums } from '../../controller/cli/output.js';

// The CLI's id resolution (names, unique id prefixes), its output formats and
// the --watch loop, as pure functions and under a fake clock.

const A = '01HZZZAAAA0000000000000001';
const B = '01HZZZAAAA0000000000000002';
const C = '01HZZZBBBB0000000000000003';
const all: Candidate[] = [
  { id: A, name: 'web-1' },
  { id: B, name: 'web-2' },
  { id: C, name: 'twin' },
  { id: '01HZZZCCCC0000000000000004', name: 'twin' },
  { id: '01HZZZDDDD0000000000000005', name: 'old', gone: true },
  { id: '01HZZZDDDE0000000000000006', name: 'old' },
];

t.test('pick: full ids, names, unique prefixes, ambiguity', async (t) => {
  t.equal(pick('vm', A, []), A, 'a full id needs no lookup');
  t.equal(pick('vm', 'web-2', all), B, 'a unique name');
  t.equal(pick('vm', 'old', all), '01HZZZDDDE0000000000000006', 'a gone holder of a name does not count');
  t.throws(() => pick('vm', 'twin', all), /^vm name "twin" matches 2 vms; give the id$/);
  t.equal(pick('vm', '01hzzzbb', all), C, 'a unique prefix, any case');
  t.throws(() => pick('vm', '01HZZZAAAA', all), /^vm id prefix "01HZZZAAAA" matches 2 vms; give more characters$/);
  t.equal(pick('vm', '01H', all), '01H', 'too short for a prefix: left to the server');
  t.equal(pick('vm', 'nobody', all), 'nobody', 'no match: left to the server');
  const retired = [{ id: A, name: 'shop', gone: true }];
  t.equal(pick('set', 'shop', retired), A, 'no live holder: the one gone holder of the name');
  t.throws(
    () => pick('set', 'shop', [...retired, { id: B, name: 'shop', gone: true }]),
    /^set name "shop" matches 2 gone sets; give the id$/,
  );
});

t.test('resolveRef pages and stays bounded', async (t) => {
  let calls = 0;
  t.equal(
    await resolveRef('vm', A, async () => {
      calls++;
      return { items: [], next: '' };
    }),
    A,
  );
  t.equal(calls, 0, 'a full id: no List call');
  const pages: Record<string, { items: Candidate[]; next: string }> = {
    '': { items: all.slice(0, 3), next: 'p2' },
    p2: { items: all.slice(3), next: '' },
  };
  t.equal(await resolveRef('vm', '01HZZZCCCC', async (tok) => pages[tok]!), '01HZZZCCCC0000000000000004', 'page 2');
  const endless = async () => ({
    items: Array.from({ length: 500 }, (_, i) => ({ id: `01HZZZ${String(i).padStart(20, '0')}`, name: `n${i}` })),
    next: 'more',
  });
  await t.rejects(resolveRef('vm', 'web', endless), new RegExp(`more than ${MAX_RESOLVE} vms`), 'bounded');
});

t.test('output formats', async (t) => {
  const vm = { id: A, state: 'VM_STATE_RUNNING', sla: 'SLA_BEST_EFFORT', nested: [{ kind: 'HOST_KIND_ADHOC' }] };
  t.same(shortEnums(vm), { id: A, state: 'running', sla: 'best_effort', nested: [{ kind: 'adhoc' }] });
  t.equal(
    render({ output: 'name' }, [vm, { name: 'acme' }], () => 'x'),
    `${A}\nacme`,
    'name: ids, or names',
  );
  t.equal(
    render({ quiet: true }, vm, () => 'x'),
    A,
    '-q: the id',
  );
  t.match(
    render({ json: true }, vm, () => 'x'),
    /"state": "running"/,
  );
  t.match(
    render({ output: 'yaml' }, vm, () => 'x'),
    /^state: running$/m,
  );
  t.equal(
    render({ headers: false, output: 'wide' }, vm, (v) => JSON.stringify(v)),
    '{"headers":false,"wide":true}',
    'the human view learns --no-headers and wide',
  );
  t.throws(() => formatOf({ output: 'xml' }), /^--output: must be one of/);
  t.throws(() => formatOf({ output: 'yaml', json: true }), /exclude each other/);
});

t.test('watch: redraw on a TTY, a new table otherwise, only on change; ends on abort', async (t) => {
  t.equal(frame(undefined, 'a', true), `${CLEAR}a\n`);
  t.equal(frame('a', 'a', true), '', 'unchanged: nothing');
  t.equal(frame(undefined, 'a', false), 'a\n');
  t.equal(frame('a', 'b', false), '\nb\n', 'a pipe: the new table after a blank line, no escapes');

  const clock = new FakeClock();
  const ac = new AbortController();
  const texts = ['one', 'one', 'two'];
  let renders = 0;
  let out = '';
  const done = watchLoop({
    render: async () => texts[Math.min(renders++, texts.length - 1)]!,
    everyMs: 1000,
    tty: false,
    write: (s) => (out += s),
    signal: ac.signal,
    clock,
  });
  const tick = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
    clock.advance(1000);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  await tick();
  await tick();
  await tick();
  t.equal(out, 'one\n\ntwo\n', 'printed when it changed');
  ac.abort();
  await done;
  t.ok(renders >= 3, 'refreshed every interval');
});
